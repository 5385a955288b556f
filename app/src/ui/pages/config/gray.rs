//! The gray release in progress (promote or abandon it) and the instances that fetched or watch
//! this namespace, with the version each holds.

use crate::AppError;
use crate::api::{EndGray, list_instances};
use crate::config::{FinishGray, GrayRelease, InstanceView};
use crate::time::format_utc;
use crate::ui::components::{ConfirmButton, ErrorNotice};
use crate::ui::style::*;
use leptos::prelude::*;

/// The instances of the namespace in `scope` (environment, namespace), fetched again after
/// every change (`tick`) and on Refresh. The page creates it before anything suspends (see
/// [`crate::ui::components::HistoryData`] for why).
#[derive(Clone, Copy)]
pub struct InstancesData {
    list: Resource<Result<Vec<InstanceView>, AppError>>,
    refresh: RwSignal<u32>,
}

impl InstancesData {
    pub fn new(scope: Signal<(String, String)>, tick: Signal<u32>) -> Self {
        let refresh = RwSignal::new(0u32);
        let list = Resource::new(
            move || (scope.get(), tick.get(), refresh.get()),
            |((environment, namespace), _, _)| list_instances(environment, namespace),
        );
        InstancesData { list, refresh }
    }
}

#[component]
pub fn GraySection(
    environment: String,
    namespace: String,
    gray: Option<GrayRelease>,
    main_version: i64,
    can_publish: bool,
    instances: InstancesData,
    done: Callback<String>,
) -> impl IntoView {
    let InstancesData {
        list: instances,
        refresh,
    } = instances;
    let finish = ServerAction::<EndGray>::new();
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match finish.value().get() {
        Some(Ok(())) => done.run("Gray release finished.".into()),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let end = move |gray_version: i64, promote: bool| {
        let (env, ns) = (environment.clone(), namespace.clone());
        move |_| {
            error.set(None);
            finish.dispatch(EndGray {
                input: FinishGray {
                    namespace: ns.clone(),
                    environment: env.clone(),
                    gray_version,
                    promote,
                },
            });
        }
    };
    view! {
        <section class="space-y-3" aria-labelledby="instances-heading">
            {gray.map(|g| view! {
                <div class=format!("{CARD} space-y-2 border-amber-300 p-4 dark:border-amber-800") data-testid="gray-release">
                    <h2 class="text-base font-semibold">{format!("Gray release v{} in progress", g.version)}</h2>
                    <p class=MUTED>{format!("Instances matching {} get v{}; every other instance keeps v{main_version}.", g.target, g.version)}</p>
                    <ErrorNotice error=error />
                    {can_publish.then(|| view! {
                        <div class="flex gap-2">
                            <ConfirmButton label="Promote to everyone" class=BTN_PRIMARY question=format!("Make v{} the release for every instance?", g.version) on_confirm=end(g.version, true) />
                            <ConfirmButton label="Abandon" class=BTN_DANGER question=format!("Put every instance back on v{main_version}?") on_confirm=end(g.version, false) />
                        </div>
                    })}
                </div>
            })}
            <div class="flex items-center justify-between">
                <h2 id="instances-heading" class="text-base font-semibold">"Instances"</h2>
                <button type="button" class=BTN_LINK on:click=move |_| refresh.update(|n| *n += 1)>"Refresh"</button>
            </div>
            <Transition fallback=|| view! { <p class=MUTED>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match instances.await {
                        Ok(list) if list.is_empty() => view! { <p class=MUTED>"No instance has fetched this namespace from this server yet (apps send X-Instance-Id)."</p> }.into_any(),
                        Ok(list) => view! {
                            <div class=format!("{CARD} overflow-x-auto")>
                                <table class=TABLE>
                                    <thead><tr>
                                        <th class=TH>"Instance"</th>
                                        <th class=TH>"Labels"</th>
                                        <th class=TH>"Holds"</th>
                                        <th class=TH>"Last seen"</th>
                                    </tr></thead>
                                    <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                                        {list.into_iter().map(|i| view! {
                                            <tr data-testid="instance-row">
                                                <td class=TD><code>{i.instance_id.clone()}</code>{i.watching.then(|| view! { " " <span class=BADGE_OK>"watching"</span> })}</td>
                                                <td class=TD><code class="text-xs">{i.labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ")}</code></td>
                                                <td class=TD>{format!("v{}", i.version)}{i.gray.then(|| view! { " " <span class=BADGE_WARN>"gray"</span> })}</td>
                                                <td class=TD>{format_utc(i.last_seen)}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                        Err(e) => view! { <ErrorNotice error=Signal::stored(Some(e)) /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
