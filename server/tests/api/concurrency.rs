//! Events of one hazard arriving at the same moment from several users: each is applied in
//! arrival order with the next position, none fails (on PostgreSQL, two transactions reading
//! the same history would otherwise both take the same position and one would end in an
//! internal error).

use crate::{ledger::ledger, on_both_backends};
use anxun_domain::{
    api::ledger::HazardDetail,
    hazard::{HazardAction, NotificationMethod, PrincipalRole},
    ids::EventId,
};
use chrono::{Duration, Utc};

async fn simultaneous_events_of_one_hazard_all_apply(backend: crate::helpers::Backend) {
    let l = ledger(&backend).await;
    let callers = [
        l.district_supervisor.1.clone(),
        l.street_supervisor.1.clone(),
        l.admin.1.clone(),
    ];
    const EACH: usize = 4;
    let requests = callers.iter().flat_map(|token| {
        (0..EACH).map(|n| {
            l.post_action(
                token,
                l.h2,
                EventId::generate(),
                None,
                HazardAction::NotifyPrincipal {
                    person: crate::sync_push::text(&format!("负责人{n}")),
                    role: PrincipalRole::Principal,
                    at: Utc::now() - Duration::minutes(1),
                    method: NotificationMethod::Phone,
                },
            )
        })
    });
    let answers = futures_util::future::join_all(requests).await;
    for answer in answers {
        let status = answer.status();
        let body = answer.text().await.unwrap();
        assert_eq!(status, 200, "{body}");
    }
    let detail: HazardDetail = l
        .get(
            &l.district_supervisor.1,
            &anxun_domain::api::ledger::hazard_path(l.h2),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail.hazard.notifications().len(), callers.len() * EACH);
    assert_eq!(detail.events.len(), 1 + callers.len() * EACH);
}
on_both_backends!(
    simultaneous_events,
    simultaneous_events_of_one_hazard_all_apply
);
