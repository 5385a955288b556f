use crate::domain::{Environment, Role};
use crate::ui::style::{INPUT, LABEL};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// One select per environment: no access, or a role.
#[component]
pub fn RolePicker(
    environments: Vec<Environment>,
    roles: RwSignal<BTreeMap<String, Role>>,
    /// Prefix of element ids, unique on the page.
    id: &'static str,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    view! {
        <fieldset class="space-y-2">
            <legend class=LABEL>"Roles per environment"</legend>
            <div class="grid grid-cols-1 gap-2 sm:grid-cols-2 lg:grid-cols-3">
                {environments
                    .into_iter()
                    .map(|env| {
                        let key = env.key.clone();
                        let select_id = format!("{id}-role-{}", env.key);
                        let current = {
                            let key = key.clone();
                            move || roles.with(|r| r.get(&key).map(|r| r.as_str()).unwrap_or(""))
                        };
                        view! {
                            <div class="space-y-1">
                                <label class="block text-xs text-slate-600 dark:text-slate-400" for=select_id.clone()>
                                    {env.name.clone()}
                                    {env.protected.then(|| view! { <span class="ml-1 text-amber-600 dark:text-amber-400">"(protected)"</span> })}
                                </label>
                                <select
                                    id=select_id
                                    name=format!("role-{}", env.key)
                                    class=INPUT
                                    disabled=move || disabled.get()
                                    prop:value=current.clone()
                                    on:change=move |ev| {
                                        let value = event_target_value(&ev);
                                        roles.update(|r| match Role::parse(&value) {
                                            Some(role) => {
                                                r.insert(key.clone(), role);
                                            }
                                            None => {
                                                r.remove(&key);
                                            }
                                        });
                                    }
                                >
                                    <option value="" selected={
                                        let current = current.clone();
                                        move || current().is_empty()
                                    }>"No access"</option>
                                    {Role::ALL
                                        .into_iter()
                                        .map(|r| {
                                            let current = current.clone();
                                            view! {
                                                <option value=r.as_str() selected=move || current() == r.as_str()>
                                                    {r.label()}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                            </div>
                        }
                    })
                    .collect_view()}
            </div>
        </fieldset>
    }
}
