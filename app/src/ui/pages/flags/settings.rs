//! A flag's settings in one environment: the kill switch, fallback variants and the ordered
//! rules, with errors from the shared validation shown as the user edits.

use super::prerequisites::{PrerequisitesEditor, targets};
use super::rule::RuleEditor;
use super::try_context::{TryContext, TryState};
use crate::AppError;
use crate::api::{CopySettings, CopySettingsEverywhere, SaveSettings, ToggleFlag};
use crate::domain::Environment;
use crate::flags::{
    CopyFlagSettings, CopyFlagSettingsEverywhere, Flag, FlagEnvironment, RelatedFlag, Requirement,
    Rule, SaveFlagSettings, Segment, Serve, SetFlagEnabled, compare_settings,
};
use crate::permissions::{Action, Resource};
use crate::ui::auth::use_may;
use crate::ui::components::{ConfirmButton, ErrorNotice, FieldErrorText, Notice};
use crate::ui::style::*;
use crate::validation::FieldErrors;
use crate::validation::flags::{check_prerequisites, check_settings};
use leptos::prelude::*;
use std::collections::HashSet;

fn fresh_rule_id(rules: &[(usize, Rule)]) -> String {
    let taken: HashSet<&str> = rules.iter().map(|(_, r)| r.id.as_str()).collect();
    (1..)
        .map(|n| format!("rule-{n}"))
        .find(|id| !taken.contains(id.as_str()))
        .unwrap_or_default()
}

#[component]
pub fn SettingsEditor(
    flag: Flag,
    settings: FlagEnvironment,
    environment: Environment,
    /// Other environments the rules can be copied from.
    others: Vec<Environment>,
    /// The flag's saved settings in `others`: what copying from one would change is shown first.
    others_settings: Vec<FlagEnvironment>,
    segments: Vec<Segment>,
    /// The flags prerequisites name (or are about to), loaded as they are chosen.
    related: RwSignal<Vec<RelatedFlag>>,
    /// The flags that require this one in this environment.
    required_by: Vec<Requirement>,
    try_state: TryState,
    /// The page reloads the flag after a change was saved.
    on_saved: Callback<String>,
    /// The kill switch changed (environment, now on); the page updates in place.
    on_switched: Callback<(String, bool)>,
) -> impl IntoView {
    let may = use_may();
    let can_write = may(Action::Write, Resource::Flags(environment.scope()));
    let disabled = Signal::stored(!can_write);
    let env_key = environment.key.clone();
    let enabled = RwSignal::new(settings.enabled);
    let version = RwSignal::new(settings.version);
    let off_variant = RwSignal::new(settings.off_variant.clone());
    let default_variant = RwSignal::new(settings.default_variant.clone());
    let prerequisites = RwSignal::new(settings.prerequisites.clone());
    let next = StoredValue::new(settings.rules.len());
    let rules = RwSignal::new(
        settings
            .rules
            .clone()
            .into_iter()
            .enumerate()
            .collect::<Vec<(usize, Rule)>>(),
    );
    let base = StoredValue::new(settings.clone());
    let flag_key = flag.key.clone();
    let draft = {
        let (flag_key, env_key) = (flag_key.clone(), env_key.clone());
        Memo::new(move |_| SaveFlagSettings {
            flag: flag_key.clone(),
            environment: env_key.clone(),
            enabled: enabled.get(),
            off_variant: off_variant.get(),
            default_variant: default_variant.get(),
            prerequisites: Some(prerequisites.get()),
            rules: rules.with(|rs| rs.iter().map(|(_, r)| r.clone()).collect()),
            version: version.get(),
        })
    };
    let dirty = Memo::new(move |_| {
        let d = draft.get();
        base.with_value(|b| {
            d.rules != b.rules
                || d.prerequisites.as_ref() != Some(&b.prerequisites)
                || d.off_variant != b.off_variant
                || d.default_variant != b.default_variant
        })
    });
    let segment_keys: HashSet<String> = segments.iter().map(|s| s.key.clone()).collect();
    let variants = flag.variants.clone();
    let client_errors = {
        let variants = variants.clone();
        let required: Vec<String> = required_by.iter().map(|r| r.flag.clone()).collect();
        let (flag_key, env_key) = (flag_key.clone(), env_key.clone());
        Memo::new(move |_| {
            let mut e = FieldErrors::new();
            let d = draft.get();
            check_settings(&d, &variants, &segment_keys, &mut e);
            let named = d.prerequisites.unwrap_or_default();
            let targets = related.with(|r| targets(&named, r, &env_key));
            check_prerequisites(&flag_key, &named, &targets, &required, &mut e);
            e
        })
    };
    let server_errors = RwSignal::new(FieldErrors::new());
    let errors = Signal::derive(move || {
        let mut e = client_errors.get();
        for (k, v) in server_errors.get().0 {
            e.add(k, v);
        }
        e
    });
    let notice = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<AppError>);
    let fail = move |e: AppError| {
        if let AppError::Conflict { .. } = e {
            notice.set(None);
            error.set(Some(AppError::bad_request("Someone else changed these settings meanwhile. Reload the page to see their version before saving again.")));
        } else {
            if let Some(f) = e.field_errors() {
                server_errors.set(f.clone());
            }
            error.set(Some(e));
        }
    };

    let toggle = ServerAction::<ToggleFlag>::new();
    Effect::new(move |_| match toggle.value().get() {
        Some(Ok(s)) => {
            enabled.set(s.enabled);
            version.set(s.version);
            base.update_value(|b| {
                b.enabled = s.enabled;
                b.version = s.version;
            });
            error.set(None);
            on_switched.run((s.environment.clone(), s.enabled));
            notice.set(Some(if s.enabled {
                "Turned on. Apps see it now.".into()
            } else {
                "Turned off. Apps see it now.".into()
            }));
        }
        Some(Err(e)) => fail(e),
        None => {}
    });
    let switch = {
        let (flag_key, env_key) = (flag_key.clone(), env_key.clone());
        move || {
            toggle.dispatch(ToggleFlag {
                input: SetFlagEnabled {
                    flag: flag_key.clone(),
                    environment: env_key.clone(),
                    enabled: !enabled.get_untracked(),
                    version: version.get_untracked(),
                },
            });
        }
    };
    let save = ServerAction::<SaveSettings>::new();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => on_saved.run("Saved. Apps see the new rules now.".into()),
        Some(Err(e)) => fail(e),
        None => {}
    });
    let copy = ServerAction::<CopySettings>::new();
    Effect::new(move |_| match copy.value().get() {
        Some(Ok(_)) => on_saved.run("Copied. The kill switch here is as it was.".into()),
        Some(Err(e)) => fail(e),
        None => {}
    });
    let copy_everywhere = ServerAction::<CopySettingsEverywhere>::new();
    Effect::new(move |_| match copy_everywhere.value().get() {
        Some(Ok(_)) => {
            on_saved.run("Copied to every other environment. Each kept its kill switch.".into())
        }
        Some(Err(e)) => fail(e),
        None => {}
    });
    // Offered only to who may write this flag's settings in every environment listed; the
    // server checks every environment, including any this user cannot see.
    let may_copy_everywhere = can_write
        && others
            .iter()
            .all(|e| may(Action::Write, Resource::Flags(e.scope())));
    // What copying the saved settings here over each other environment would change there.
    let everywhere_question = {
        let saved = settings.clone();
        let changed: Vec<String> = others
            .iter()
            .filter_map(|e| {
                let there = others_settings.iter().find(|s| s.environment == e.key)?;
                let n = compare_settings(there, &saved).len();
                (n > 0).then(|| format!("{} ({n} change{})", e.name, if n == 1 { "" } else { "s" }))
            })
            .collect();
        if changed.is_empty() {
            "Every other environment already has these rules. Copy anyway?".to_string()
        } else {
            format!(
                "Copy the rules here to every other environment? Changes: {}.",
                changed.join(", ")
            )
        }
    };
    let versions: std::collections::BTreeMap<String, i64> = others_settings
        .iter()
        .map(|s| (s.environment.clone(), s.version))
        .collect();
    let copy_from = RwSignal::new(others.first().map(|e| e.key.clone()).unwrap_or_default());
    // Against the saved settings, which are what the server copies over (not the unsaved draft).
    let copy_preview = {
        let saved = settings.clone();
        move || {
            let from = copy_from.get();
            others_settings
                .iter()
                .find(|s| s.environment == from)
                .map(|source| compare_settings(&saved, source))
        }
    };
    let protected = environment.protected;
    let env_name = environment.name.clone();
    let flag_name = flag.name.clone();
    let count = Signal::derive(move || rules.with(|r| r.len()));
    let rule_variants = variants.clone();
    let rule_segments = segments.clone();
    view! {
        <div class="grid grid-cols-1 gap-6 xl:grid-cols-3">
            <div class="space-y-4 xl:col-span-2">
                <section class=format!("{CARD} flex flex-wrap items-center justify-between gap-3 p-4") aria-label="Kill switch">
                    <div class="flex items-center gap-3">
                        <span class=move || if enabled.get() { BADGE_OK } else { BADGE } data-testid="flag-state">{move || if enabled.get() { "on" } else { "off" }}</span>
                        <span class="text-sm">{move || if enabled.get() { format!("On in {env_name}: rules decide.") } else { format!("Off in {env_name}: everyone gets the off variant.") }}</span>
                    </div>
                    {can_write.then(|| {
                        let switch = switch.clone();
                        let flag_name = flag_name.clone();
                        let env_label = environment.name.clone();
                        if protected {
                            view! {
                                <ConfirmButton
                                    label=""
                                    dynamic_label=Signal::derive(move || if enabled.get() { "Turn off".to_string() } else { "Turn on".to_string() })
                                    class=BTN_PRIMARY
                                    question=Signal::derive(move || format!("{} is protected. Turn {} {} for every app there now?", env_label, flag_name, if enabled.get() { "off" } else { "on" }))
                                    disabled=Signal::derive(move || toggle.pending().get())
                                    on_confirm=move |_| switch()
                                />
                            }.into_any()
                        } else {
                            view! {
                                <button type="button" class=BTN_PRIMARY disabled=move || toggle.pending().get() on:click=move |_| switch()>
                                    {move || if enabled.get() { "Turn off" } else { "Turn on" }}
                                </button>
                            }.into_any()
                        }
                    })}
                </section>
                <Notice message=notice />
                <ErrorNotice error=error />
                <section class=format!("{CARD} grid grid-cols-1 gap-4 p-4 sm:grid-cols-2") aria-label="Fallbacks">
                    {[("default_variant", "When no rule matches, serve", default_variant), ("off_variant", "When off, serve", off_variant)].into_iter().map(|(field, label, signal)| {
                        let keys: Vec<String> = variants.iter().map(|v| v.key.clone()).collect();
                        view! {
                            <label class="space-y-1">
                                <span class=LABEL>{label}</span>
                                <select class=format!("{INPUT_BASE} w-auto") aria-label=label disabled=move || disabled.get() on:change=move |ev| signal.set(event_target_value(&ev))>
                                    {keys.into_iter().map(|k| {
                                        let k2 = k.clone();
                                        view! { <option value=k.clone() selected=move || signal.get() == k2>{k.clone()}</option> }
                                    }).collect_view()}
                                </select>
                                <FieldErrorText errors paths=vec![field.to_string()] />
                            </label>
                        }
                    }).collect_view()}
                </section>
                <PrerequisitesEditor flag_key=flag_key.clone() prerequisites related required_by=required_by.clone() errors disabled />
                <div class="space-y-3" aria-label="Rules">
                    <For each={move || rules.get().into_iter().map(|(id, _)| id).collect::<Vec<_>>()} key=|id| *id let:id>
                        {
                            let initial = rules.with_untracked(|rs| rs.iter().find(|(i, _)| *i == id).map(|(_, r)| r.clone()));
                            let index = Signal::derive(move || rules.with(|rs| rs.iter().position(|(i, _)| *i == id).unwrap_or(0)));
                            initial.map(|initial| view! {
                                <RuleEditor
                                    initial
                                    index
                                    count
                                    variants=rule_variants.clone()
                                    segments=rule_segments.clone()
                                    errors
                                    disabled
                                    on_change=Callback::new(move |r: Rule| rules.update(|rs| if let Some(slot) = rs.iter_mut().find(|(i, _)| *i == id) { slot.1 = r }))
                                    on_remove=Callback::new(move |_| rules.update(|rs| rs.retain(|(i, _)| *i != id)))
                                    on_move=Callback::new(move |delta: i32| rules.update(|rs| {
                                        if let Some(pos) = rs.iter().position(|(i, _)| *i == id) {
                                            let to = pos as i32 + delta;
                                            if to >= 0 && (to as usize) < rs.len() { rs.swap(pos, to as usize); }
                                        }
                                    }))
                                />
                            })
                        }
                    </For>
                    {move || rules.with(|r| r.is_empty()).then(|| view! {
                        <p class=format!("{CARD} p-4 text-sm text-slate-500")>"No rules: when on, everyone gets the default variant."</p>
                    })}
                </div>
                {can_write.then(|| {
                    let first = variants.iter().map(|v| v.key.clone()).find(|k| k != "off").or_else(|| variants.first().map(|v| v.key.clone())).unwrap_or_default();
                    let others = others.clone();
                    let (flag_key, env_key) = (flag_key.clone(), env_key.clone());
                    view! {
                        <div class="flex flex-wrap items-center gap-2">
                            <button type="button" class=BTN_SECONDARY on:click=move |_| {
                                let id = next.get_value();
                                next.set_value(id + 1);
                                let variant = first.clone();
                                rules.update(|rs| {
                                    let rule_id = fresh_rule_id(rs);
                                    rs.push((id, Rule { id: rule_id, name: String::new(), constraints: vec![], segments: vec![], rollout: None, serve: Serve::Variant { variant } }));
                                });
                            }>"+ Add rule"</button>
                            <button
                                type="button"
                                class=BTN_PRIMARY
                                disabled=move || save.pending().get() || !dirty.get() || !client_errors.with(FieldErrors::is_empty)
                                on:click=move |_| {
                                    error.set(None);
                                    server_errors.set(FieldErrors::new());
                                    save.dispatch(SaveSettings { input: draft.get_untracked() });
                                }
                            >
                                {move || if save.pending().get() { "Saving…" } else { "Save rules" }}
                            </button>
                            {move || dirty.get().then(|| view! { <span class="text-xs text-amber-700 dark:text-amber-400">"Unsaved changes"</span> })}
                            <span class="flex-1"></span>
                            {(!others.is_empty()).then(|| {
                                let (flag_key, env_key) = (flag_key.clone(), env_key.clone());
                                let everywhere = (flag_key.clone(), env_key.clone(), versions.clone());
                                view! {
                                    <select class=format!("{INPUT_BASE} w-auto") aria-label="Copy rules from" on:change=move |ev| copy_from.set(event_target_value(&ev))>
                                        {others.iter().map(|e| view! { <option value=e.key.clone()>{e.name.clone()}</option> }).collect_view()}
                                    </select>
                                    <ConfirmButton
                                        label="Copy rules from it"
                                        question=Signal::derive(move || format!("Replace the rules here with {}'s?", copy_from.get()))
                                        on_confirm=move |_| {
                                            copy.dispatch(CopySettings { input: CopyFlagSettings { flag: flag_key.clone(), from: copy_from.get_untracked(), to: env_key.clone(), version: version.get_untracked() } });
                                        }
                                    />
                                    <div class="basis-full text-sm" data-testid="copy-preview" aria-live="polite">
                                        {move || copy_preview().map(|changes| if changes.is_empty() {
                                            view! { <p class=MUTED>{format!("{}'s rules and fallbacks are the same as here: copying changes nothing.", copy_from.get())}</p> }.into_any()
                                        } else {
                                            view! {
                                                <p class=MUTED>{format!("Copying {}'s settings would change here:", copy_from.get())}</p>
                                                <ul class="list-disc pl-5">{changes.iter().map(|c| view! { <li>{c.describe()}</li> }).collect_view()}</ul>
                                            }.into_any()
                                        })}
                                    </div>
                                    {may_copy_everywhere.then(|| {
                                        let (flag_key, env_key, versions) = everywhere.clone();
                                        view! {
                                            <ConfirmButton
                                                label="Copy to every environment"
                                                question=everywhere_question.clone()
                                                on_confirm=move |_| {
                                                    copy_everywhere.dispatch(CopySettingsEverywhere { input: CopyFlagSettingsEverywhere { flag: flag_key.clone(), from: env_key.clone(), versions: versions.clone() } });
                                                }
                                            />
                                        }
                                    })}
                                }
                            })}
                        </div>
                    }
                })}
            </div>
            <div>
                <TryContext flag=flag.clone() segments=segments.clone() related draft=draft state=try_state />
            </div>
        </div>
    }
}
