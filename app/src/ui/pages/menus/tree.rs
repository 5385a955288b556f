//! The tree of items as an ARIA tree: click or arrow keys to select, drag and drop or Alt+arrows
//! to move, Delete to remove. Every move goes through the shared edit operations, which refuse
//! cycles and depth past the limit with a sentence the live region reads out.

use super::editor::Editor;
use super::icon_picker::IconGlyph;
use crate::menus::{ItemKind, Menu, MenuItem, edit};
use crate::ui::style::*;
use leptos::prelude::*;

/// Where a dragged item lands relative to the row it is dropped on.
#[derive(Clone, Copy, PartialEq)]
enum Drop {
    /// Just before the row, among its siblings.
    Before,
    /// After the row (links and dividers) or inside it, last (groups).
    Onto,
}

#[derive(Clone, Copy)]
struct Dragging {
    id: RwSignal<Option<String>>,
    over: RwSignal<Option<(String, Drop)>>,
}

#[component]
pub fn TreeView(editor: Editor) -> impl IntoView {
    let dragging = Dragging {
        id: RwSignal::new(None),
        over: RwSignal::new(None),
    };
    // A row moved by the keyboard is rendered anew; give it the focus back.
    Effect::new(move |_| {
        let Some(id) = editor.refocus.get() else {
            return;
        };
        editor.tree.track();
        focus_row(&id);
        editor.refocus.set(None);
    });
    let pending_delete = editor.deleting;
    view! {
        {move || pending_delete.get().map(|id| {
            let name = editor.tree.with_untracked(|t| t.find(&id).map(|i| (i.display_name().to_string(), i.count() - 1)));
            let (name, children) = name.unwrap_or_default();
            let question = if children > 0 {
                format!("Delete {name} and the {children} item(s) in it?")
            } else {
                format!("Delete {name}?")
            };
            let confirm_id = id.clone();
            view! {
                <div class="flex flex-wrap items-center gap-2 rounded-md bg-red-50 p-2 text-sm dark:bg-red-950/40" role="alertdialog" aria-label="Confirm delete">
                    <span>{question}</span>
                    <button type="button" class=BTN_DANGER on:click=move |_| {
                        delete(editor, &confirm_id);
                        pending_delete.set(None);
                    }>"Delete"</button>
                    <button type="button" class=BTN_SECONDARY on:click=move |_| {
                        pending_delete.set(None);
                        editor.refocus.set(Some(id.clone()));
                    }>"Cancel"</button>
                </div>
            }
        })}
        <ul role="tree" aria-label="Menu items" class="space-y-0.5" data-testid="menu-tree">
            {move || {
                let tree = editor.tree.get();
                if tree.items.is_empty() {
                    return view! { <li class=MUTED>"No items yet."</li> }.into_any();
                }
                rows(&tree, &tree.items, 1, editor, dragging).into_any()
            }}
        </ul>
    }
}

fn rows(
    menu: &Menu,
    items: &[MenuItem],
    level: usize,
    editor: Editor,
    dragging: Dragging,
) -> Vec<AnyView> {
    // Browsers derive each treeitem's level, position and set size from this nesting.
    items
        .iter()
        .map(|item| row(menu, item, level, editor, dragging))
        .collect()
}

fn row(menu: &Menu, item: &MenuItem, level: usize, editor: Editor, dragging: Dragging) -> AnyView {
    let id = item.id.clone();
    let kind = item.kind;
    let is_group = kind == ItemKind::Group;
    let children = rows(menu, &item.children, level + 1, editor, dragging);
    let selected = {
        let id = id.clone();
        Memo::new(move |_| editor.selected.with(|s| s.as_deref() == Some(id.as_str())))
    };
    let over = |at: Drop| {
        let id = id.clone();
        Signal::derive(move || {
            dragging
                .over
                .with(|o| o.as_ref().is_some_and(|(i, d)| *i == id && *d == at))
        })
    };
    let (over_before, over_onto) = (over(Drop::Before), over(Drop::Onto));
    let problem = {
        let id = id.clone();
        move || editor.item_problem(&id)
    };
    let conditions = conditions(item);
    let label = item.display_name().to_string();
    let target = item.target.clone().unwrap_or_default();
    let icon = item.icon.clone();
    let badge = item.badge.clone();
    let (id_key, id_click, id_drag, id_over, id_drop, id_before_over, id_before_drop) = (
        id.clone(),
        id.clone(),
        id.clone(),
        id.clone(),
        id.clone(),
        id.clone(),
        id.clone(),
    );
    let can_write = editor.can_write;
    view! {
        <li
            role="treeitem"
            aria-selected=move || if selected.get() { "true" } else { "false" }
            aria-expanded=is_group.then_some("true")
            tabindex=move || if selected.get() { "0" } else { "-1" }
            data-tree-id=id.clone()
            data-level=level
            data-kind=kind.as_str()
            class="rounded focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
            on:keydown=move |ev| {
                ev.stop_propagation();
                if key(editor, &id_key, &ev) {
                    ev.prevent_default();
                }
            }
            on:click=move |ev| {
                ev.stop_propagation();
                editor.select(&id_click);
            }
        >
            {can_write.then(|| view! {
                <div
                    // Always the same height: a layout that shifted when a drag starts would move
                    // rows out from under the pointer.
                    class=move || if over_before.get() { "h-1 rounded bg-indigo-500" } else { "h-1" }
                    data-drop="before"
                    on:dragover=move |ev| {
                        ev.prevent_default();
                        ev.stop_propagation();
                        dragging.over.set(Some((id_before_over.clone(), Drop::Before)));
                    }
                    on:drop=move |ev| {
                        ev.prevent_default();
                        ev.stop_propagation();
                        drop_on(editor, dragging, &id_before_drop, Drop::Before);
                    }
                ></div>
            })}
            <div
                class=move || {
                    let base = "flex cursor-pointer items-center gap-2 rounded px-2 py-1 text-sm";
                    if over_onto.get() {
                        format!("{base} bg-indigo-100 ring-2 ring-indigo-400 dark:bg-indigo-900/40")
                    } else if selected.get() {
                        format!("{base} bg-indigo-50 dark:bg-indigo-950/50")
                    } else {
                        format!("{base} hover:bg-slate-50 dark:hover:bg-slate-800")
                    }
                }
                draggable=if can_write { "true" } else { "false" }
                data-testid="tree-row"
                on:dragstart=move |ev| {
                    ev.stop_propagation();
                    start_drag(&ev, &id_drag);
                    dragging.id.set(Some(id_drag.clone()));
                }
                on:dragend=move |_| {
                    dragging.id.set(None);
                    dragging.over.set(None);
                }
                on:dragover=move |ev| {
                    ev.prevent_default();
                    ev.stop_propagation();
                    dragging.over.set(Some((id_over.clone(), Drop::Onto)));
                }
                on:drop=move |ev| {
                    ev.prevent_default();
                    ev.stop_propagation();
                    drop_on(editor, dragging, &id_drop, Drop::Onto);
                }
            >
                {match kind {
                    ItemKind::Divider => view! { <span class="h-px flex-1 bg-slate-300 dark:bg-slate-600" aria-hidden="true"></span><span class="text-xs text-slate-500">"divider"</span> }.into_any(),
                    _ => view! {
                        <IconGlyph name=icon.clone() />
                        <span class={if is_group { "font-semibold" } else { "" }}>{label.clone()}</span>
                        {badge.clone().map(|b| view! { <span class=BADGE>{b}</span> })}
                        <span class="truncate text-xs text-slate-500">{target.clone()}</span>
                    }.into_any(),
                }}
                {conditions.map(|c| { let title = c.clone(); view! { <span class="ml-auto text-xs text-amber-700 dark:text-amber-300" title=title>{c}</span> } })}
                {move || problem().map(|p| { let title = p.clone(); view! { <span class=BADGE_BAD title=title data-testid="item-problem">"!"</span><span class="sr-only">{p}</span> } })}
            </div>
            {(!children.is_empty()).then(|| view! {
                <ul role="group" class="ml-4 border-l border-slate-200 pl-2 dark:border-slate-700">{children}</ul>
            })}
        </li>
    }
    .into_any()
}

/// `roles: admin · flag: new-nav`, or nothing for an item everyone sees.
fn conditions(item: &MenuItem) -> Option<String> {
    let v = &item.visibility;
    let mut parts = Vec::new();
    if !v.roles.is_empty() {
        parts.push(format!("roles: {}", v.roles.join(", ")));
    }
    if !v.permissions.is_empty() {
        parts.push(format!("needs: {}", v.permissions.join(", ")));
    }
    if let Some(flag) = &v.flag {
        parts.push(format!("flag: {flag}"));
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

fn drop_on(editor: Editor, dragging: Dragging, target: &str, at: Drop) {
    let moving = dragging.id.get_untracked();
    dragging.id.set(None);
    dragging.over.set(None);
    let Some(moving) = moving.filter(|m| m != target) else {
        return;
    };
    let target = target.to_string();
    editor.apply(|menu| {
        let path = menu.path_of(&target).ok_or("That item is gone")?;
        let kind = menu.get(&path).map(|i| i.kind);
        let parent = (path.len() > 1)
            .then(|| menu.get(&path[..path.len() - 1]).map(|p| p.id.clone()))
            .flatten();
        // Indices among the siblings as they are once the moved item has left.
        let from = menu.path_of(&moving).ok_or("That item is gone")?;
        let same_list =
            from.len() == path.len() && from[..from.len() - 1] == path[..path.len() - 1];
        let mut index = *path.last().unwrap_or(&0);
        if same_list && from.last() < path.last() {
            index -= 1;
        }
        match (at, kind) {
            (Drop::Onto, Some(ItemKind::Group)) => {
                edit::move_item(menu, &moving, Some(&target), usize::MAX)?
            }
            (Drop::Onto, _) => edit::move_item(menu, &moving, parent.as_deref(), index + 1)?,
            (Drop::Before, _) => edit::move_item(menu, &moving, parent.as_deref(), index)?,
        }
        let name = menu
            .find(&moving)
            .map_or("", MenuItem::display_name)
            .to_string();
        let at = edit::describe_position(menu, &moving).unwrap_or_default();
        Ok(format!("{name} moved, {at}"))
    });
    editor.selected.set(Some(moving));
}

/// The tree's keyboard; answers whether the key was handled.
fn key(editor: Editor, id: &str, ev: &leptos::ev::KeyboardEvent) -> bool {
    let id = id.to_string();
    let alt = ev.alt_key();
    let movement: fn(&mut Menu, &str) -> Result<String, String> = match (ev.key().as_str(), alt) {
        ("ArrowDown", false) => return step(editor, &id, 1),
        ("ArrowUp", false) => return step(editor, &id, -1),
        ("Home", _) => return jump(editor, true),
        ("End", _) => return jump(editor, false),
        ("Enter" | "F2", _) => {
            editor.select(&id);
            focus_form();
            return true;
        }
        ("Delete" | "Backspace", _) if editor.can_write => {
            editor.deleting.set(Some(id));
            return true;
        }
        ("ArrowUp", true) if editor.can_write => edit::move_up,
        ("ArrowDown", true) if editor.can_write => edit::move_down,
        ("ArrowRight", true) if editor.can_write => edit::indent,
        ("ArrowLeft", true) if editor.can_write => edit::outdent,
        _ => return false,
    };
    editor.apply(|m| movement(m, &id));
    editor.refocus.set(Some(id));
    true
}

/// Selects the row `delta` away in reading order.
fn step(editor: Editor, id: &str, delta: isize) -> bool {
    let next = editor.tree.with_untracked(|t| {
        let ids: Vec<String> = t.iter().map(|l| l.item.id.clone()).collect();
        let at = ids.iter().position(|i| i == id)? as isize + delta;
        usize::try_from(at).ok().and_then(|i| ids.get(i).cloned())
    });
    if let Some(next) = next {
        editor.select(&next);
        focus_row(&next);
    }
    true
}

fn jump(editor: Editor, first: bool) -> bool {
    let target = editor.tree.with_untracked(|t| {
        let mut all = t.iter().map(|l| l.item.id.clone());
        if first { all.next() } else { all.last() }
    });
    if let Some(id) = target {
        editor.select(&id);
        focus_row(&id);
    }
    true
}

fn delete(editor: Editor, id: &str) {
    let id = id.to_string();
    let next = editor.tree.with_untracked(|t| {
        let ids: Vec<String> = t.iter().map(|l| l.item.id.clone()).collect();
        let at = ids.iter().position(|i| *i == id)?;
        at.checked_sub(1).and_then(|i| ids.get(i).cloned())
    });
    editor.apply(|menu| {
        let removed = edit::remove(menu, &id).ok_or("That item is gone")?;
        Ok(format!("Deleted {}", removed.display_name()))
    });
    editor.editing.set(None);
    editor.selected.set(next.clone());
    if let Some(next) = next {
        editor.refocus.set(Some(next));
    }
}

fn start_drag(ev: &leptos::ev::DragEvent, id: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(dt) = ev.data_transfer() {
        // Firefox starts a drag only when it carries data.
        let _ = dt.set_data("text/plain", id);
        dt.set_effect_allowed("move");
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, id);
}

fn focus_row(id: &str) {
    focus(&format!("[data-tree-id=\"{id}\"]"));
}

fn focus_form() {
    focus("#menu-item-label");
}

fn focus(selector: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let selector = selector.to_string();
        request_animation_frame(move || {
            if let Some(el) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.query_selector(&selector).ok().flatten())
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = el.focus();
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = selector;
}
