//! The form of the selected item. Every keystroke changes the tree (unsaved) and is checked at
//! once by the shared rules, so the message appears beside the field as the user types.

use super::editor::Editor;
use super::icon_picker::IconPicker;
use crate::menus::{ItemKind, MenuItem};
use crate::ui::style::*;
use leptos::prelude::*;

/// `a, b` as a list, without empty entries.
fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[component]
pub fn ItemForm(editor: Editor, id: String) -> impl IntoView {
    // Follows the item when its id is edited.
    let current = RwSignal::new(id);
    let item = Memo::new(move |_| current.with(|id| editor.tree.with(|t| t.find(id).cloned())));
    let change = move |f: &dyn Fn(&mut MenuItem)| {
        let id = current.get_untracked();
        let Some(mut edited) = item.get_untracked() else {
            return;
        };
        f(&mut edited);
        let new_id = edited.id.clone();
        if editor.update_item(&id, edited) && new_id != id {
            current.set(new_id.clone());
            editor.selected.set(Some(new_id));
        }
    };
    let error = move |field: &'static str| {
        Signal::derive(move || current.with(|id| editor.field_error(id, field)))
    };
    let get = move |f: fn(&MenuItem) -> String| {
        move || item.with(|i| i.as_ref().map(f).unwrap_or_default())
    };
    let initial = item.get_untracked();
    let roles = RwSignal::new(
        initial
            .as_ref()
            .map(|i| i.visibility.roles.join(", "))
            .unwrap_or_default(),
    );
    let permissions = RwSignal::new(
        initial
            .as_ref()
            .map(|i| i.visibility.permissions.join(", "))
            .unwrap_or_default(),
    );
    // Rows (key, locale, label): a map would reorder and merge them while the locale is typed.
    let translations = RwSignal::new(
        initial
            .as_ref()
            .map(|i| {
                i.translations
                    .iter()
                    .enumerate()
                    .map(|(n, (l, t))| (n, l.clone(), t.clone()))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default(),
    );
    let write_translations = move || {
        let rows = translations.get_untracked();
        change(&|i| {
            i.translations = rows
                .iter()
                .filter(|(_, l, _)| !l.trim().is_empty())
                .map(|(_, l, t)| (l.trim().to_string(), t.clone()))
                .collect();
        });
    };
    let disabled = !editor.can_write;
    let kind = move || item.with(|i| i.as_ref().map(|i| i.kind));
    let flags = editor.flags.get_value();
    view! {
        {move || item.with(Option::is_none).then(|| view! { <p class=MUTED>"This item is gone."</p> })}
        <form class="space-y-3" aria-label="Item" novalidate on:submit=|ev| ev.prevent_default()>
            <div class="flex items-center justify-between gap-2">
                <h2 class="text-base font-semibold">{move || item.with(|i| i.as_ref().map(|i| i.display_name().to_string()).unwrap_or_default())}</h2>
                {editor.can_write.then(|| view! {
                    <button type="button" class=BTN_LINK on:click=move |_| editor.deleting.set(Some(current.get_untracked()))>"Delete…"</button>
                })}
            </div>
            <div class="grid grid-cols-2 gap-3">
                <Field label="Kind" id="menu-item-kind" error=error("kind")>
                    <select id="menu-item-kind" class=INPUT disabled=disabled
                        on:change=move |ev| {
                            if let Some(k) = ItemKind::parse(&event_target_value(&ev)) {
                                change(&|i| {
                                    i.kind = k;
                                    if k != ItemKind::Link {
                                        i.target = None;
                                        i.new_tab = false;
                                    } else if i.target.is_none() {
                                        i.target = Some("/".into());
                                    }
                                });
                            }
                        }
                    >
                        {ItemKind::ALL.into_iter().map(|k| view! {
                            <option value=k.as_str() selected=move || kind() == Some(k)>{k.as_str()}</option>
                        }).collect_view()}
                    </select>
                </Field>
                <Field label="Id" id="menu-item-id" error=error("id")>
                    <input id="menu-item-id" class=INPUT disabled=disabled
                        aria-invalid=move || if error("id").get().is_some() { "true" } else { "false" }
                        prop:value=get(|i| i.id.clone())
                        on:input=move |ev| { let v = event_target_value(&ev); change(&|i| i.id = v.clone()); } />
                </Field>
            </div>
            <Field label="Label" id="menu-item-label" error=error("label")>
                <input id="menu-item-label" class=INPUT disabled=disabled
                    aria-invalid=move || if error("label").get().is_some() { "true" } else { "false" }
                    prop:value=get(|i| i.label.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); change(&|i| i.label = v.clone()); } />
            </Field>
            <Show when=move || kind() == Some(ItemKind::Link)>
                <Field label="Target" id="menu-item-target" error=error("target")>
                    <input id="menu-item-target" class=INPUT disabled=disabled placeholder="/orders/:id or https://…"
                        aria-invalid=move || if error("target").get().is_some() { "true" } else { "false" }
                        prop:value=get(|i| i.target.clone().unwrap_or_default())
                        on:input=move |ev| { let v = event_target_value(&ev); change(&|i| i.target = Some(v.clone())); } />
                </Field>
                <label class="inline-flex items-center gap-2 text-sm">
                    <input type="checkbox" disabled=disabled prop:checked=move || item.with(|i| i.as_ref().is_some_and(|i| i.new_tab))
                        on:change=move |ev| { let v = event_target_checked(&ev); change(&|i| i.new_tab = v); } />
                    "Open in a new tab"
                </label>
            </Show>
            <Show when=move || kind() != Some(ItemKind::Divider)>
                <Field label="Badge" id="menu-item-badge" error=error("badge")>
                    <input id="menu-item-badge" class=INPUT disabled=disabled placeholder="New, 3"
                        prop:value=get(|i| i.badge.clone().unwrap_or_default())
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            change(&|i| i.badge = (!v.is_empty()).then(|| v.clone()));
                        } />
                </Field>
                <IconPicker
                    value=Signal::derive(move || item.with(|i| i.as_ref().and_then(|i| i.icon.clone())))
                    on_pick=Callback::new(move |name: Option<String>| if !disabled { change(&|i| i.icon = name.clone()) })
                />
                <p class="text-xs text-red-600 dark:text-red-400" role="alert">{move || error("icon").get()}</p>
                <fieldset class="space-y-2">
                    <legend class=LABEL>"Translations"</legend>
                    <For each=move || translations.get() key=|(n, _, _)| *n let:row>
                        {
                            let n = row.0;
                            let edit_row = move |f: &dyn Fn(&mut (usize, String, String))| {
                                translations.update(|rows| if let Some(r) = rows.iter_mut().find(|r| r.0 == n) { f(r) });
                                write_translations();
                            };
                            view! {
                                <div class="flex gap-2">
                                    <input class=format!("{INPUT_BASE} w-20") aria-label="Locale" placeholder="fr" disabled=disabled prop:value=row.1.clone()
                                        on:input=move |ev| { let v = event_target_value(&ev); edit_row(&|r| r.1 = v.clone()); } />
                                    <input class=INPUT aria-label="Translated label" disabled=disabled prop:value=row.2.clone()
                                        on:input=move |ev| { let v = event_target_value(&ev); edit_row(&|r| r.2 = v.clone()); } />
                                    <button type="button" class=BTN_LINK aria-label="Remove translation" disabled=disabled
                                        on:click=move |_| { translations.update(|rows| rows.retain(|r| r.0 != n)); write_translations(); }>"×"</button>
                                </div>
                            }
                        }
                    </For>
                    <p class="text-xs text-red-600 dark:text-red-400" role="alert" data-field-error="translations">{move || error("translations").get()}</p>
                    <button type="button" class=BTN_LINK disabled=disabled on:click=move |_| translations.update(|rows| {
                        let next = rows.iter().map(|r| r.0 + 1).max().unwrap_or(0);
                        rows.push((next, String::new(), String::new()));
                    })>"+ Translation"</button>
                </fieldset>
            </Show>
            <fieldset class="space-y-3">
                <legend class=LABEL>"Who sees it"</legend>
                <Field label="Roles (any of them)" id="menu-item-roles" error=error("visibility.roles")>
                    <input id="menu-item-roles" class=INPUT disabled=disabled placeholder="admin, support"
                        prop:value=move || roles.get()
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            roles.set(v.clone());
                            change(&|i| i.visibility.roles = split_list(&v));
                        } />
                </Field>
                <Field label="Permissions (all of them)" id="menu-item-permissions" error=error("visibility.permissions")>
                    <input id="menu-item-permissions" class=INPUT disabled=disabled placeholder="orders:refund"
                        prop:value=move || permissions.get()
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            permissions.set(v.clone());
                            change(&|i| i.visibility.permissions = split_list(&v));
                        } />
                </Field>
                <Field label="Only while this flag is on" id="menu-item-flag" error=error("visibility.flag")>
                    <select id="menu-item-flag" class=INPUT disabled=disabled
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            change(&|i| i.visibility.flag = (!v.is_empty()).then(|| v.clone()));
                        }
                    >
                        <option value="" selected=move || item.with(|i| i.as_ref().is_some_and(|i| i.visibility.flag.is_none()))>"No flag"</option>
                        {flags.into_iter().map(|f| {
                            let (key, label) = (f.clone(), f.clone());
                            view! { <option value=f selected=move || item.with(|i| i.as_ref().and_then(|i| i.visibility.flag.as_deref()) == Some(key.as_str()))>{label}</option> }
                        }).collect_view()}
                    </select>
                </Field>
            </fieldset>
            <p class="text-xs text-red-600 dark:text-red-400" role="alert">{move || error("children").get()}</p>
        </form>
    }
}

/// A label, the control, and the shared rule's message for it.
#[component]
fn Field(
    label: &'static str,
    id: &'static str,
    error: Signal<Option<String>>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="space-y-1">
            <label class=LABEL for=id>{label}</label>
            {children()}
            <p class="text-xs text-red-600 dark:text-red-400" role="alert" data-field-error=id>{move || error.get()}</p>
        </div>
    }
}
