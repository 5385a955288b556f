//! `/menus/:env/:menu`: the tree editor with its item form and live preview, saving the draft,
//! import and export, publishing, and history.
//!
//! The tree is edited in the browser with the shared edit operations and checked on every change
//! by the shared validation; a save sends the whole tree with the draft version it started from.

use super::history::history_data;
use super::item_form::ItemForm;
use super::preview::Preview;
use super::publish::PublishDialog;
use super::tree::TreeView;
use super::{follow_switcher, may_menus};
use crate::AppError;
use crate::api::{ResetMenuDraft, StoreMenuDraft, get_menu_draft};
use crate::menus::{
    DiscardMenuDraft, ItemKind, Menu, MenuDraft, MenuItem, MenuReleaseDiff, SaveMenuDraft,
    diff_menus, edit,
};
use crate::permissions::Action;
use crate::ui::components::release_label;
use crate::ui::components::{
    ConfirmButton, ErrorNotice, HistoryData, Notice, ReleaseHistory, title,
};
use crate::ui::style::*;
use crate::validation::FieldErrors;
use crate::validation::menus::{check_menu, parse_menu_import};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use std::collections::BTreeSet;

/// The editor's state, shared by the tree, the item form and the preview.
#[derive(Clone, Copy)]
pub(super) struct Editor {
    pub tree: RwSignal<Menu>,
    /// The draft as last saved (or loaded).
    pub saved: RwSignal<Menu>,
    pub version: RwSignal<i64>,
    pub selected: RwSignal<Option<String>>,
    /// The item the form edits: set when the user picks an item, not when its id is edited, so
    /// the form keeps its focus while the id changes.
    pub editing: RwSignal<Option<String>>,
    /// What the last tree action did or why it was refused, for sighted users and screen
    /// readers alike (an ARIA live region).
    pub announcement: RwSignal<String>,
    /// A row the keyboard moved; it takes focus again once the tree has re-rendered.
    pub refocus: RwSignal<Option<String>>,
    /// The item whose deletion (with everything in it) waits for confirmation.
    pub deleting: RwSignal<Option<String>>,
    /// The shared rules over the whole tree, with flag keys checked against the app's flags.
    pub errors: Memo<FieldErrors>,
    pub flags: StoredValue<Vec<String>>,
    pub can_write: bool,
}

impl Editor {
    fn new(draft: &MenuDraft, can_write: bool) -> Editor {
        let tree = RwSignal::new(draft.tree.clone());
        let known: BTreeSet<String> = draft.flags.iter().cloned().collect();
        let errors = Memo::new(move |_| {
            let mut e = FieldErrors::new();
            tree.with(|t| check_menu(t, Some(&known), &mut e));
            e
        });
        Editor {
            tree,
            saved: RwSignal::new(draft.tree.clone()),
            version: RwSignal::new(draft.version),
            selected: RwSignal::new(draft.tree.items.first().map(|i| i.id.clone())),
            editing: RwSignal::new(None),
            announcement: RwSignal::new(String::new()),
            refocus: RwSignal::new(None),
            deleting: RwSignal::new(None),
            errors,
            flags: StoredValue::new(draft.flags.clone()),
            can_write,
        }
    }

    /// Runs a tree edit; a refused one leaves the tree as it was and says why.
    pub fn apply(&self, edit: impl FnOnce(&mut Menu) -> Result<String, String>) -> bool {
        let mut next = self.tree.get_untracked();
        match edit(&mut next) {
            Ok(message) => {
                self.tree.set(next);
                self.announcement.set(message);
                true
            }
            Err(message) => {
                self.announcement.set(message);
                false
            }
        }
    }

    pub fn dirty(&self) -> bool {
        self.tree.with(|t| self.saved.with(|s| t != s))
    }

    /// The first error of the item `id` or anything in it, for the tree's marker.
    pub fn item_problem(&self, id: &str) -> Option<String> {
        let prefix = self.tree.with(|t| t.path_of(id)).map(|p| field_path(&p))?;
        self.errors.with(|e| {
            e.0.iter()
                .find(|(field, _)| {
                    field.as_str() == prefix || field.starts_with(&format!("{prefix}."))
                })
                .map(|(_, m)| m.clone())
        })
    }

    /// The first error of one field of the item `id` (`label`; `visibility.roles` covers each
    /// role; `translations` each language).
    pub fn field_error(&self, id: &str, field: &str) -> Option<String> {
        let prefix = self.tree.with(|t| t.path_of(id)).map(|p| field_path(&p))?;
        let name = format!("{prefix}.{field}");
        let nested = format!("{name}.");
        self.errors.with(|e| {
            e.0.iter()
                .find(|(f, _)| **f == name || f.starts_with(&nested))
                .map(|(_, m)| m.clone())
        })
    }

    /// Replaces the item `id` with `edited` (its children stay), as the item form does on every
    /// keystroke; a refused change (a taken id, children on a link) is announced.
    pub fn update_item(&self, id: &str, edited: MenuItem) -> bool {
        let mut next = self.tree.get_untracked();
        match edit::update(&mut next, id, edited) {
            Ok(()) => {
                self.tree.set(next);
                true
            }
            Err(message) => {
                self.announcement.set(message);
                false
            }
        }
    }

    /// A fresh id of the form `link-3`.
    pub fn new_id(&self, kind: ItemKind) -> String {
        self.tree.with_untracked(|t| {
            (1..)
                .map(|n| format!("{}-{n}", kind.as_str()))
                .find(|id| t.find(id).is_none())
                .unwrap_or_default()
        })
    }

    /// Adds an item after the selected one (inside it, when it is a group), selects it and opens
    /// it in the form.
    pub fn add(&self, kind: ItemKind) {
        let id = self.new_id(kind);
        let item = match kind {
            ItemKind::Group => MenuItem::group(id.clone(), "New group", Vec::new()),
            ItemKind::Link => MenuItem::link(id.clone(), "New link", "/"),
            ItemKind::Divider => MenuItem::divider(id.clone()),
        };
        let selected = self.selected.get_untracked();
        let added = self.apply(|menu| {
            let (parent, index) = match selected.as_deref().and_then(|s| menu.path_of(s)) {
                Some(path) => {
                    let item = menu.get(&path);
                    if item.is_some_and(|i| i.kind == ItemKind::Group) {
                        (item.map(|i| i.id.clone()), usize::MAX)
                    } else {
                        let parent = (path.len() > 1)
                            .then(|| menu.get(&path[..path.len() - 1]).map(|p| p.id.clone()))
                            .flatten();
                        (parent, path.last().map_or(usize::MAX, |i| i + 1))
                    }
                }
                None => (None, usize::MAX),
            };
            edit::add(menu, parent.as_deref(), index, item)?;
            let at = edit::describe_position(menu, &id).unwrap_or_default();
            Ok(format!("Added a {}, {at}", kind.as_str()))
        });
        if added {
            self.select(&id);
        }
    }

    pub fn select(&self, id: &str) {
        self.selected.set(Some(id.to_string()));
        self.editing.set(Some(id.to_string()));
    }
}

fn field_path(path: &[usize]) -> String {
    crate::menus::model::field_path(path)
}

#[component]
pub fn MenuPage() -> impl IntoView {
    let params = use_params_map();
    let environment = Memo::new(move |_| params.with(|p| p.get("env").unwrap_or_default()));
    let menu = Memo::new(move |_| params.with(|p| p.get("menu").unwrap_or_default()));
    follow_switcher(environment, move || format!("/{}", menu.get_untracked()));
    let tick = RwSignal::new(0u32);
    let draft = Resource::new(
        move || (environment.get(), menu.get(), tick.get()),
        |(env, menu, _)| get_menu_draft(env, menu),
    );
    // Created here, before anything suspends (see HistoryData).
    let history = history_data(
        Signal::derive(move || (environment.get(), menu.get())),
        tick.into(),
    );
    let notice = RwSignal::new(None::<String>);
    let changed = Callback::new(move |message: String| {
        notice.set(Some(message));
        tick.update(|n| *n += 1);
    });
    view! {
        <Title text=title(menu, "Menus") />
        <div class="space-y-6">
            <A href=move || format!("/menus/{}", environment.get()) attr:class=BTN_LINK>"← Menus"</A>
            <Notice message=notice />
            <Transition fallback=|| view! { <p class=MUTED>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match draft.await {
                        Ok(d) => view! { <EditorView draft=d history changed /> }.into_any(),
                        Err(e) => view! { <ErrorNotice error=Signal::stored(Some(e)) /> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn EditorView(
    draft: MenuDraft,
    history: HistoryData<MenuReleaseDiff>,
    changed: Callback<String>,
) -> impl IntoView {
    let can_write = may_menus(&draft.environment, Action::Write);
    let can_publish = may_menus(&draft.environment, Action::Publish);
    let editor = Editor::new(&draft, can_write);
    let (env, key) = (draft.environment.clone(), draft.menu.clone());
    let main = StoredValue::new(draft.main.clone());
    let main_version = draft.main_version;
    // Saved draft against what apps get now: what a publish would change.
    let pending = Memo::new(move |_| editor.saved.with(|s| main.with_value(|m| diff_menus(m, s))));
    let publishing = RwSignal::new(false);
    let importing = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);

    let save = ServerAction::<StoreMenuDraft>::new();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(version)) => {
            editor.version.set(version);
            editor.saved.set(editor.tree.get_untracked());
            editor
                .announcement
                .set(format!("Draft saved (version {version})."));
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let discard = ServerAction::<ResetMenuDraft>::new();
    Effect::new(move |_| match discard.value().get() {
        Some(Ok(())) => changed.run("Draft discarded: it matches the live release again.".into()),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let do_save = {
        let (env, key) = (env.clone(), key.clone());
        move || {
            error.set(None);
            if !editor.errors.with_untracked(FieldErrors::is_empty) {
                editor
                    .announcement
                    .set("Fix the marked items before saving.".into());
                return;
            }
            save.dispatch(StoreMenuDraft {
                input: SaveMenuDraft {
                    menu: key.clone(),
                    environment: env.clone(),
                    tree: editor.tree.get_untracked(),
                    version: editor.version.get_untracked(),
                },
            });
        }
    };
    let published = Callback::new(move |m: String| {
        publishing.set(false);
        changed.run(m);
    });
    let export_href = move || {
        let json = editor
            .tree
            .with(|t| serde_json::to_string_pretty(t).unwrap_or_default());
        format!(
            "data:application/json;charset=utf-8,{}",
            percent_encode(&json)
        )
    };
    let problems = move || editor.errors.with(|e| e.0.len());
    let dialog = (env.clone(), key.clone());
    view! {
        <div class="flex flex-wrap items-start justify-between gap-3">
            <div>
                <h1 class=H1>{draft.menu.clone()}</h1>
                <p class=MUTED>{draft.description.clone()}</p>
                <p class="mt-1 flex flex-wrap gap-2 text-sm">
                    <span class=BADGE>{draft.environment.clone()}</span>
                    <span class={if main_version == 0 { BADGE } else { BADGE_OK }} data-testid="live-version">{format!("live: {}", release_label(main_version))}</span>
                    {move || (pending.with(|p| p.change_count()) > 0).then(|| view! {
                        <span class=BADGE_WARN data-testid="pending">{move || format!("{} pending", pending.with(|p| p.change_count()))}</span>
                    })}
                    {move || editor.dirty().then(|| view! { <span class=BADGE_WARN data-testid="unsaved">"unsaved changes"</span> })}
                    {move || (problems() > 0).then(|| view! { <span class=BADGE_BAD data-testid="problems">{move || format!("{} problem(s)", problems())}</span> })}
                </p>
            </div>
            <div class="flex flex-wrap gap-2">
                {can_write.then(|| {
                    let do_save = do_save.clone();
                    view! {
                        <button type="button" class=BTN_PRIMARY data-testid="save-draft"
                            disabled=move || !editor.dirty() || save.pending().get()
                            on:click=move |_| do_save()
                        >"Save draft"</button>
                        <button type="button" class=BTN_SECONDARY disabled=move || !editor.dirty()
                            on:click=move |_| {
                                editor.tree.set(editor.saved.get_untracked());
                                editor.announcement.set("Unsaved changes undone.".into());
                            }
                        >"Undo changes"</button>
                    }
                })}
                {(can_write && main_version > 0).then(|| {
                    let (env, key) = (env.clone(), key.clone());
                    view! {
                        <ConfirmButton
                            label="Discard draft"
                            question="Put the saved draft back to the live release?"
                            disabled=Signal::derive(move || pending.with(|p| p.is_empty()))
                            on_confirm=move |_| { discard.dispatch(ResetMenuDraft { input: DiscardMenuDraft { menu: key.clone(), environment: env.clone(), draft_version: editor.version.get_untracked() } }); }
                        />
                    }
                })}
                {can_write.then(|| view! {
                    <button type="button" class=BTN_SECONDARY on:click=move |_| importing.update(|v| *v = !*v)>"Import…"</button>
                })}
                <a class=BTN_SECONDARY download=format!("{}.json", draft.menu) href=export_href>"Export"</a>
                {can_publish.then(|| view! {
                    <button type="button" class=BTN_PRIMARY data-testid="publish"
                        title=move || if editor.dirty() { "Save the draft first" } else { "" }
                        disabled=move || pending.with(|p| p.is_empty()) || editor.dirty()
                        on:click=move |_| publishing.set(true)
                    >"Publish…"</button>
                })}
            </div>
        </div>
        <ErrorNotice error=error />
        {move || importing.get().then(|| view! { <ImportPanel editor done=Callback::new(move |_| importing.set(false)) /> })}
        {move || publishing.get().then(|| {
            let (env, key) = dialog.clone();
            view! {
                <PublishDialog
                    environment=env
                    menu=key
                    main_version
                    draft_version=editor.version.get_untracked()
                    diff=pending.get_untracked()
                    done=published
                    cancel=Callback::new(move |_| publishing.set(false))
                />
            }
        })}
        <p class="min-h-5 text-sm text-slate-600 dark:text-slate-300" role="status" aria-live="polite" data-testid="announcement">
            {move || editor.announcement.get()}
        </p>
        <div class="grid grid-cols-1 gap-4 lg:grid-cols-3">
            <section class=format!("{CARD} space-y-3 p-3 lg:col-span-1") aria-labelledby="tree-heading">
                <div class="flex flex-wrap items-center justify-between gap-2">
                    <h2 id="tree-heading" class="text-base font-semibold">"Items"</h2>
                    {can_write.then(|| view! {
                        <div class="flex gap-1">
                            <button type="button" class=BTN_SECONDARY on:click=move |_| editor.add(ItemKind::Link)>"+ Link"</button>
                            <button type="button" class=BTN_SECONDARY on:click=move |_| editor.add(ItemKind::Group)>"+ Group"</button>
                            <button type="button" class=BTN_SECONDARY on:click=move |_| editor.add(ItemKind::Divider)>"+ Divider"</button>
                        </div>
                    })}
                </div>
                <TreeView editor />
                {can_write.then(|| view! {
                    <p class="text-xs text-slate-500 dark:text-slate-400">
                        "Drag items to reorder them or drop them on a group. With the keyboard: arrows to move between items, Alt+↑/↓ to move an item, Alt+→ to put it in the group above, Alt+← to take it out, Delete to remove, Enter to edit."
                    </p>
                })}
            </section>
            <section class=format!("{CARD} p-3 lg:col-span-1") aria-label="Item">
                {move || match editor.editing.get() {
                    Some(id) => view! { <ItemForm editor id /> }.into_any(),
                    None => view! { <p class=MUTED>"Select an item to edit it."</p> }.into_any(),
                }}
            </section>
            <Preview editor environment=draft.environment.clone() />
        </div>
        <ReleaseHistory
            data=history
            environment=env.clone()
            key=key.clone()
            main_version
            draft_version=Signal::derive(move || editor.version.get())
            pending=Signal::derive(move || pending.with(|p| p.change_count()))
            can_publish
            done=changed
        />
    }
}

/// Replaces the tree (unsaved) with an exported menu file, checked by the shared import rules.
#[component]
fn ImportPanel(editor: Editor, done: Callback<()>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let problems = RwSignal::new(Vec::<(String, String)>::new());
    let apply = move |_| match parse_menu_import(&text.get_untracked()) {
        Ok(menu) => {
            let count = menu.count();
            editor.tree.set(menu);
            editor.selected.set(None);
            editor.editing.set(None);
            editor.announcement.set(format!(
                "Imported {count} item(s). Review them, then save the draft."
            ));
            done.run(());
        }
        Err(e) => problems.set(e.0.into_iter().collect()),
    };
    view! {
        <section class=format!("{CARD} space-y-2 p-3") aria-label="Import a menu">
            <label class=LABEL for="menu-import">"Paste an exported menu (JSON)"</label>
            <textarea id="menu-import" rows="6" class=format!("{INPUT} font-mono")
                prop:value=move || text.get()
                on:input=move |ev| { text.set(event_target_value(&ev)); problems.set(Vec::new()); }
            ></textarea>
            <ul class="space-y-1" data-testid="import-problems">
                {move || problems.get().into_iter().map(|(field, message)| view! {
                    <li class="text-sm text-red-700 dark:text-red-300" role="alert">{format!("{field}: {message}")}</li>
                }).collect_view()}
            </ul>
            <div class="flex gap-2">
                <button type="button" class=BTN_PRIMARY on:click=apply>"Replace the draft with it"</button>
                <button type="button" class=BTN_SECONDARY on:click=move |_| done.run(())>"Cancel"</button>
            </div>
        </section>
    }
}

/// Enough of RFC 3986 for a `data:` URL: everything but unreserved characters is escaped.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::percent_encode;

    #[test]
    fn data_urls_escape_everything_but_unreserved_characters() {
        assert_eq!(
            percent_encode(r#"{"a": "é/1"}"#),
            "%7B%22a%22%3A%20%22%C3%A9%2F1%22%7D"
        );
    }
}
