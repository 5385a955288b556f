//! "Try a context": evaluates the flag as currently edited (saved or not) for a context the user
//! types, with the same engine the server runs, and says why each rule did or did not match.

use crate::flags::{
    CompiledFlag, CompiledSegment, EvalContext, Flag, FlagEnvironment, Reason, RelatedFlag,
    RuleTrace, SaveFlagSettings, Segment, Segments,
};
use crate::ui::style::*;
use leptos::prelude::*;
use std::sync::Arc;

/// The context being tried; kept by the page so it survives switching environments.
#[derive(Clone, Copy)]
pub struct TryState {
    pub targeting_key: RwSignal<String>,
    pub attributes: RwSignal<Vec<(usize, String, String)>>,
    next: StoredValue<usize>,
}

impl TryState {
    pub fn new() -> TryState {
        TryState {
            targeting_key: RwSignal::new("user-1".into()),
            attributes: RwSignal::new(vec![(0, "country".into(), "CA".into())]),
            next: StoredValue::new(1),
        }
    }

    fn context(&self) -> EvalContext {
        let key = self.targeting_key.get();
        let mut ctx = EvalContext::new(Some(key).filter(|k| !k.is_empty()));
        for (_, name, value) in self.attributes.get() {
            if !name.trim().is_empty() {
                ctx.set(name.trim(), &value);
            }
        }
        ctx.now = now_ms();
        ctx
    }
}

/// The browser's clock (the server's at render time), for date constraints.
pub(crate) fn now_ms() -> i64 {
    crate::time::parse_rfc3339(&now_text()).unwrap_or_default()
}

/// The browser's clock (the server's at render time), as RFC 3339.
fn now_text() -> String {
    #[cfg(feature = "hydrate")]
    {
        js_sys_now()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        crate::time::format_utc(ms)
            .replace(" UTC", "Z")
            .replacen(' ', "T", 1)
    }
}

#[cfg(feature = "hydrate")]
fn js_sys_now() -> String {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| (p.time_origin() + p.now()) as i64)
        .map(|ms| {
            crate::time::format_utc(ms)
                .replace(" UTC", "Z")
                .replacen(' ', "T", 1)
        })
        .unwrap_or_default()
}

fn explain_miss(trace: &RuleTrace) -> String {
    let shown = |v: &Option<String>| {
        v.as_ref()
            .map_or("missing".to_string(), |v| format!("{v:?}"))
    };
    match trace {
        RuleTrace::Matched {
            bucket: Some(b), ..
        } => format!("matched (rollout bucket {b})"),
        RuleTrace::Matched { .. } => "matched".into(),
        RuleTrace::ConstraintFailed {
            index,
            attribute,
            actual,
            ..
        } => {
            format!(
                "skipped: constraint {} on {attribute} does not hold ({attribute} is {})",
                index + 1,
                shown(actual)
            )
        }
        RuleTrace::SegmentFailed {
            segment,
            attribute,
            actual,
            ..
        } => {
            format!(
                "skipped: not in segment {segment} ({attribute} is {})",
                shown(actual)
            )
        }
        RuleTrace::OutsideRollout {
            bucket, percentage, ..
        } => format!("skipped: bucket {bucket} is outside the {percentage}% rollout"),
        RuleTrace::NoStickinessValue { attribute, .. } => {
            format!("skipped: the rollout sticks by {attribute}, which the context lacks")
        }
        RuleTrace::NotReached { .. } => "not reached: an earlier rule decided".into(),
        RuleTrace::PrerequisiteFailed {
            served: Some(v), ..
        } => format!("not met: it serves {v} to this context"),
        RuleTrace::PrerequisiteFailed { served: None, .. } => {
            "not met: it is not served here (archived, broken, or it has prerequisites itself)"
                .into()
        }
    }
}

fn reason_text(reason: Reason) -> &'static str {
    match reason {
        Reason::Static => "no rules: everyone gets the default",
        Reason::TargetingMatch => "a rule matched",
        Reason::Split => "a rule matched; the variant came from a sticky percentage",
        Reason::Default => "no rule matched: the default variant",
        Reason::Disabled => "the flag is off here: the off variant",
        Reason::PrerequisiteFailed => "a prerequisite is not met: the off variant",
        Reason::Error => "the settings cannot be evaluated",
    }
}

#[component]
pub fn TryContext(
    flag: Flag,
    segments: Vec<Segment>,
    /// The flags prerequisites name, evaluated here in the same environment.
    related: RwSignal<Vec<RelatedFlag>>,
    #[prop(into)] draft: Signal<SaveFlagSettings>,
    state: TryState,
) -> impl IntoView {
    let compiled_segments: Segments = segments
        .iter()
        .map(|s| (s.key.clone(), Arc::new(CompiledSegment::compile(s))))
        .collect();
    let flag = StoredValue::new(flag);
    let compiled_segments = StoredValue::new(compiled_segments);
    let result = Memo::new(move |_| {
        let d = draft.get();
        let settings = FlagEnvironment {
            environment: d.environment.clone(),
            enabled: d.enabled,
            off_variant: d.off_variant.clone(),
            default_variant: d.default_variant.clone(),
            prerequisites: d.prerequisites.clone().unwrap_or_default(),
            rules: d.rules.clone(),
            version: d.version,
            updated_at: 0,
        };
        let mut compiled = flag.with_value(|f| {
            compiled_segments.with_value(|s| CompiledFlag::compile(f, &settings, s))
        });
        // The flags prerequisites name, compiled for this environment as the server does.
        let others: Vec<Arc<CompiledFlag>> = related.with(|r| {
            compiled_segments.with_value(|s| {
                r.iter()
                    .filter_map(|o| {
                        let env = o
                            .environments
                            .iter()
                            .find(|e| e.environment == d.environment)?;
                        Some(Arc::new(CompiledFlag::compile(&o.flag, env, s)))
                    })
                    .collect()
            })
        });
        compiled.link(|key| others.iter().find(|o| o.key == key).cloned());
        let (ev, trace) = compiled.explain(&state.context());
        let names: Vec<(String, String)> = d
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| {
                (
                    r.id.clone(),
                    if r.name.is_empty() {
                        format!("Rule {}", i + 1)
                    } else {
                        r.name.clone()
                    },
                )
            })
            .collect();
        (ev, trace, names)
    });
    view! {
        <section class=format!("{CARD} space-y-3 p-4") aria-label="Try a context" data-testid="try-context">
            <h3 class="text-sm font-semibold">"Try a context"</h3>
            <p class="text-xs text-slate-500 dark:text-slate-400">"Evaluates the settings as edited here, saved or not."</p>
            <label class="block space-y-1">
                <span class=LABEL>"targetingKey (user id)"</span>
                <input class=INPUT aria-label="targetingKey" prop:value=move || state.targeting_key.get() on:input=move |ev| state.targeting_key.set(event_target_value(&ev)) />
            </label>
            <For each=move || state.attributes.get() key=|(id, _, _)| *id let:row>
                {
                    let id = row.0;
                    let edit = move |f: &dyn Fn(&mut (usize, String, String))| {
                        state.attributes.update(|rows| {
                            if let Some(r) = rows.iter_mut().find(|r| r.0 == id) {
                                f(r);
                            }
                        })
                    };
                    view! {
                        <div class="flex gap-2">
                            <input class=format!("{INPUT_BASE} w-28") aria-label="Attribute name" list="attribute-names" prop:value=row.1.clone()
                                on:input=move |ev| { let v = event_target_value(&ev); edit(&|r| r.1 = v.clone()); } />
                            <input class=INPUT aria-label="Attribute value" prop:value=row.2.clone()
                                on:input=move |ev| { let v = event_target_value(&ev); edit(&|r| r.2 = v.clone()); } />
                            <button type="button" class=BTN_LINK aria-label="Remove attribute" on:click=move |_| state.attributes.update(|rows| rows.retain(|r| r.0 != id))>"×"</button>
                        </div>
                    }
                }
            </For>
            <button type="button" class=BTN_LINK on:click=move |_| {
                let id = state.next.get_value();
                state.next.set_value(id + 1);
                state.attributes.update(|rows| rows.push((id, String::new(), String::new())));
            }>"+ Add attribute"</button>
            {move || {
                let (ev, trace, names) = result.get();
                let name_of = |id: &str| names.iter().find(|(i, _)| i == id).map(|(_, n)| n.clone()).unwrap_or_else(|| id.to_string());
                let rule = ev.rule_id.as_deref().map(name_of);
                view! {
                    <div class="space-y-2 rounded-md bg-slate-50 p-3 text-sm dark:bg-slate-800/60" data-testid="try-result">
                        <div>
                            <span class="text-slate-500 dark:text-slate-400">"Serves "</span>
                            <strong data-testid="try-variant">{ev.variant.clone().unwrap_or_else(|| "the caller's default".into())}</strong>
                            " "
                            <code class="text-xs">{ev.value.as_ref().map(|v| v.to_string()).unwrap_or_default()}</code>
                        </div>
                        <div class="text-xs">
                            <span class=BADGE data-testid="try-reason">{ev.reason.as_str()}</span>
                            " " {reason_text(ev.reason)}
                            {rule.map(|r| view! { " — " <span data-testid="try-rule">{r}</span> })}
                        </div>
                        {ev.error.clone().map(|e| view! { <p class="text-xs text-red-600 dark:text-red-400">{e.message}</p> })}
                        {ev.missing_targeting_key.then(|| view! {
                            <p class="text-xs text-amber-700 dark:text-amber-400">"A rollout needs a targetingKey; apps that send none get TARGETING_KEY_MISSING."</p>
                        })}
                        <ol class="space-y-1 text-xs" data-testid="try-trace">
                            {trace.iter().map(|t| {
                                let subject = match t {
                                    RuleTrace::Matched { rule_id, .. } | RuleTrace::ConstraintFailed { rule_id, .. } | RuleTrace::SegmentFailed { rule_id, .. }
                                    | RuleTrace::OutsideRollout { rule_id, .. } | RuleTrace::NoStickinessValue { rule_id, .. } | RuleTrace::NotReached { rule_id } => name_of(rule_id),
                                    RuleTrace::PrerequisiteFailed { flag, .. } => format!("Prerequisite {flag}"),
                                };
                                let matched = matches!(t, RuleTrace::Matched { .. });
                                view! {
                                    <li class=if matched { "text-emerald-700 dark:text-emerald-400" } else { "text-slate-600 dark:text-slate-400" }>
                                        <strong>{subject}</strong>": "{explain_miss(t)}
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    </div>
                }
            }}
        </section>
    }
}
