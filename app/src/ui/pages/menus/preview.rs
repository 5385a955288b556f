//! The menu as one user would see it, computed in the browser by the delivery API's own filter
//! on the unsaved tree. Flag gates are evaluated by the shared flag engine, compiled here from
//! the flags' settings in this environment.

use super::editor::Editor;
use super::icon_picker::IconGlyph;
use crate::api::get_flag;
use crate::flags::{CompiledFlag, CompiledSegment, EvalContext, FlagDetail, Segments};
use crate::menus::{Caller, ItemKind, VisibleItem, filter, gate_open};
use crate::ui::pages::flags::now_ms;
use crate::ui::style::*;
use leptos::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

fn split(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Compiled flags by key; compared by identity, since a compiled flag is only ever replaced whole.
#[derive(Clone, Default)]
struct Compiled(Arc<HashMap<String, CompiledFlag>>);

impl PartialEq for Compiled {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

fn compile(details: &[FlagDetail], environment: &str) -> Compiled {
    let flags = details
        .iter()
        .filter_map(|d| {
            let settings = d
                .environments
                .iter()
                .find(|e| e.environment == environment)?;
            let segments: Segments = d
                .segments
                .iter()
                .map(|s| (s.key.clone(), Arc::new(CompiledSegment::compile(s))))
                .collect();
            Some((
                d.flag.key.clone(),
                CompiledFlag::compile(&d.flag, settings, &segments),
            ))
        })
        .collect();
    Compiled(Arc::new(flags))
}

#[component]
pub fn Preview(editor: Editor, environment: String) -> impl IntoView {
    let roles = RwSignal::new(String::new());
    let permissions = RwSignal::new(String::new());
    let locale = RwSignal::new(String::new());
    let user = RwSignal::new("user-1".to_string());
    let attributes = RwSignal::new(String::new());
    let used_flags = Memo::new(move |_| {
        editor.tree.with(|t| {
            t.iter()
                .filter_map(|l| l.item.visibility.flag.clone())
                .collect::<BTreeSet<String>>()
        })
    });
    // Fetched in the browser only (an effect never runs on the server): the server renders the
    // preview with every flag gate closed, and a resource read during that render would hold
    // back the whole page. Each fetch carries a generation, so a slow answer for an older set
    // of flags never overwrites a newer one.
    let details = RwSignal::new(None::<Vec<FlagDetail>>);
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        let keys = used_flags.get();
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        leptos::task::spawn_local(async move {
            let mut out = Vec::new();
            for key in keys {
                if let Ok(d) = get_flag(key).await {
                    out.push(d);
                }
            }
            if generation.get_value() == mine {
                details.set(Some(out));
            }
        });
    });
    let compiled = Memo::new(move |_| {
        details.with(|d| {
            d.as_deref()
                .map(|d| compile(d, &environment))
                .unwrap_or_default()
        })
    });
    let caller = Memo::new(move |_| {
        let locale = locale.get();
        Caller {
            user_id: Some(user.get()).filter(|u| !u.is_empty()),
            roles: split(&roles.get()).into_iter().collect(),
            permissions: split(&permissions.get()).into_iter().collect(),
            locale: (!locale.trim().is_empty()).then(|| locale.trim().to_string()),
        }
    });
    let context = Memo::new(move |_| {
        let mut ctx = EvalContext::new(Some(user.get()).filter(|u| !u.is_empty()));
        for pair in split(&attributes.get()) {
            if let Some((name, value)) = pair.split_once('=') {
                ctx.set(name.trim(), value.trim());
            }
        }
        ctx.now = now_ms();
        ctx
    });
    let shown = move || {
        editor.tree.with(|t| {
            compiled.with(|flags| {
                context.with(|ctx| {
                    let on = |key: &str| gate_open(flags.0.get(key), ctx);
                    caller.with(|c| {
                        filter(t, c, &on)
                            .into_iter()
                            .map(VisibleItem::into_owned)
                            .collect::<Vec<_>>()
                    })
                })
            })
        })
    };
    let input = |label: &'static str,
                 id: &'static str,
                 value: RwSignal<String>,
                 placeholder: &'static str| {
        view! {
            <label class="block space-y-1" for=id>
                <span class=LABEL>{label}</span>
                <input id=id class=INPUT placeholder=placeholder prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
            </label>
        }
    };
    view! {
        <section class=format!("{CARD} space-y-3 p-3 lg:col-span-1") aria-labelledby="preview-heading">
            <h2 id="preview-heading" class="text-base font-semibold">"Preview"</h2>
            <p class="text-xs text-slate-500 dark:text-slate-400">"The unsaved draft as this user would get it from the delivery API."</p>
            <div class="grid grid-cols-2 gap-2">
                {input("Roles", "preview-roles", roles, "admin, support")}
                {input("Permissions", "preview-permissions", permissions, "orders:refund")}
                {input("Locale", "preview-locale", locale, "fr-CA")}
                {input("User id", "preview-user", user, "user-1")}
            </div>
            {input("Flag context", "preview-attributes", attributes, "plan=pro, country=CA")}
            <nav aria-label="Menu preview" class="rounded-md border border-dashed border-slate-300 p-2 dark:border-slate-700" data-testid="preview">
                {move || {
                    let items = shown();
                    if items.is_empty() {
                        view! { <p class=MUTED>"This user sees no items."</p> }.into_any()
                    } else {
                        preview_list(items)
                    }
                }}
            </nav>
        </section>
    }
}

fn preview_list(items: Vec<VisibleItem<'static>>) -> AnyView {
    view! {
        <ul class="space-y-0.5">
            {items.into_iter().map(|item| {
                let id = item.id.to_string();
                match item.kind {
                    ItemKind::Divider => view! { <li data-preview-id=id role="separator" class="my-1 h-px bg-slate-200 dark:bg-slate-700"></li> }.into_any(),
                    kind => {
                        let children = item.children;
                        view! {
                            <li data-preview-id=id>
                                <span class={if kind == ItemKind::Group { "flex items-center gap-2 text-xs font-semibold uppercase tracking-wide text-slate-500" } else { "flex items-center gap-2 text-sm text-indigo-700 dark:text-indigo-300" }}>
                                    <IconGlyph name=item.icon.map(|i| i.to_string()) />
                                    <span data-testid="preview-label">{item.label.to_string()}</span>
                                    {item.badge.map(|b| view! { <span class=BADGE>{b.to_string()}</span> })}
                                    {item.new_tab.then(|| view! { <span class="text-xs text-slate-400" title="Opens in a new tab">"↗"</span> })}
                                </span>
                                {(!children.is_empty()).then(|| view! { <div class="ml-4">{preview_list(children)}</div> })}
                            </li>
                        }.into_any()
                    }
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}
