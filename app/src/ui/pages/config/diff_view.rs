//! An entry diff side by side: what was there, what will be (or is) there.

use crate::config::{Entry, EntryDiff};
use crate::ui::style::*;
use leptos::prelude::*;

fn value_cell(entry: &Entry) -> impl IntoView + use<> {
    view! {
        <code class="break-all text-xs">{entry.value.clone()}</code>
        " " <span class="text-xs text-slate-400">{entry.value_type.as_str()}</span>
    }
}

#[component]
pub fn DiffView(
    diff: EntryDiff,
    #[prop(default = "Before")] before: &'static str,
    #[prop(default = "After")] after: &'static str,
) -> impl IntoView {
    if diff.is_empty() {
        return view! { <p class=MUTED data-testid="diff-empty">"No changes."</p> }.into_any();
    }
    let unchanged = diff.unchanged;
    view! {
        <div class="overflow-x-auto">
            <table class=TABLE data-testid="diff">
                <thead><tr>
                    <th class=TH>"Key"</th>
                    <th class=TH>"Change"</th>
                    <th class=TH>{before}</th>
                    <th class=TH>{after}</th>
                </tr></thead>
                <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                    {diff.added.into_iter().map(|e| view! {
                        <tr data-testid="diff-row" data-change="added">
                            <td class=TD><code>{e.key.clone()}</code></td>
                            <td class=TD><span class=BADGE_OK>"added"</span></td>
                            <td class=TD>"—"</td>
                            <td class=TD>{value_cell(&e)}</td>
                        </tr>
                    }).collect_view()}
                    {diff.changed.into_iter().map(|c| {
                        let mut notes = Vec::new();
                        if c.type_changed() { notes.push("type"); }
                        if c.description_changed() { notes.push("description"); }
                        if c.constraints_changed() { notes.push("constraints"); }
                        view! {
                            <tr data-testid="diff-row" data-change="changed">
                                <td class=TD><code>{c.key.clone()}</code></td>
                                <td class=TD>
                                    <span class=BADGE_WARN>"changed"</span>
                                    {(!notes.is_empty()).then(|| view! { <span class="block text-xs text-slate-500">{notes.join(", ")}</span> })}
                                </td>
                                <td class=format!("{TD} bg-red-50/60 dark:bg-red-950/30")>{value_cell(&c.before)}</td>
                                <td class=format!("{TD} bg-emerald-50/60 dark:bg-emerald-950/30")>{value_cell(&c.after)}</td>
                            </tr>
                        }
                    }).collect_view()}
                    {diff.removed.into_iter().map(|e| view! {
                        <tr data-testid="diff-row" data-change="removed">
                            <td class=TD><code>{e.key.clone()}</code></td>
                            <td class=TD><span class=BADGE_BAD>"removed"</span></td>
                            <td class=TD>{value_cell(&e)}</td>
                            <td class=TD>"—"</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            {(unchanged > 0).then(|| view! { <p class="mt-1 text-xs text-slate-500">{format!("{unchanged} unchanged")}</p> })}
        </div>
    }
    .into_any()
}
