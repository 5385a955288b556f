//! A menu diff as the publish dialog and the history show it.

use crate::menus::MenuDiff;
use crate::ui::style::*;
use leptos::prelude::*;

fn parent(p: &Option<String>) -> String {
    p.as_deref()
        .map_or("the top level".to_string(), |p| p.to_string())
}

#[component]
pub fn MenuDiffView(diff: MenuDiff) -> impl IntoView {
    if diff.is_empty() {
        return view! { <p class=MUTED>"No changes."</p> }.into_any();
    }
    view! {
        <ul class="space-y-1 text-sm" data-testid="menu-diff">
            {diff.added.into_iter().map(|a| view! {
                <li class="text-emerald-700 dark:text-emerald-300" data-change="added">
                    {format!("+ {} “{}” in {}", a.kind.as_str(), a.label, parent(&a.parent))}
                </li>
            }).collect_view()}
            {diff.removed.into_iter().map(|r| view! {
                <li class="text-red-700 dark:text-red-300" data-change="removed">
                    {format!("− {} “{}” from {}", r.kind.as_str(), r.label, parent(&r.parent))}
                </li>
            }).collect_view()}
            {diff.changed.into_iter().map(|c| view! {
                <li class="text-amber-700 dark:text-amber-300" data-change="changed">
                    {format!("~ “{}”: {}", c.after.display_name(), c.fields.join(", "))}
                    {(c.before.label != c.after.label).then(|| view! { <span class="text-slate-500">{format!(" (was “{}”)", c.before.label)}</span> })}
                </li>
            }).collect_view()}
            {diff.moved.into_iter().map(|m| view! {
                <li class="text-indigo-700 dark:text-indigo-300" data-change="moved">
                    {if m.from_parent == m.to_parent {
                        format!("↕ “{}” reordered in {}", m.label, parent(&m.to_parent))
                    } else {
                        format!("→ “{}” moved from {} to {}", m.label, parent(&m.from_parent), parent(&m.to_parent))
                    }}
                </li>
            }).collect_view()}
            <li class="text-xs text-slate-500">{format!("{} unchanged", diff.unchanged)}</li>
        </ul>
    }
    .into_any()
}
