"""A key is (or would be) deleted after a waiting period shorter than 30 days.

## What it checks

Waiting periods before a key's deletion below 30 days (KMS's default; AWS accepts 7 to 30):

* `describe-key` output of a primary multi-Region key pending deletion of its replicas
  (`KeyMetadata.PendingDeletionWindowInDays`), or `describe-key` output with the
  `PendingWindowInDays` of `schedule-key-deletion` merged in;
* in a scenario, a `ScheduleKeyDeletion` request with a shorter `PendingWindowInDays` that the
  engine allows (a request a policy condition such as
  `kms:ScheduleKeyDeletionPendingWindowInDays` denies is the guard working, not a finding).

`describe-key` output of a single-Region key pending deletion shows only its `DeletionDate`, not
the window it was scheduled with, so it is not checked here (KEY005 reports the key).

## Why it matters

The waiting period is the only chance to notice that a key still in use is about to be deleted
(requests that use a key pending deletion fail, and a CloudWatch alarm on them can tell you)
and to cancel the deletion. After it, the key material is gone and everything encrypted under
the key is lost for good. Seven days can pass over a holiday or a long weekend unnoticed.

## Example

```yaml
requests:
  - principal: arn:aws:iam::111122223333:role/KeyAdmin
    operation: ScheduleKeyDeletion
    key: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
    params: {PendingWindowInDays: 7}
```

## Use instead

```sh
aws kms schedule-key-deletion --key-id 1234abcd-12ab-34cd-56ef-1234567890ab \
    --pending-window-in-days 30
```

Enforce it with a key-policy or SCP condition:
`"NumericLessThan": {"kms:ScheduleKeyDeletionPendingWindowInDays": "30"}` in a Deny statement.

## References

- Deleting KMS keys (waiting period): https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html
- ScheduleKeyDeletion: https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html
- DescribeKey, KeyMetadata.PendingDeletionWindowInDays: https://docs.aws.amazon.com/kms/latest/APIReference/API_KeyMetadata.html
- kms:ScheduleKeyDeletionPendingWindowInDays: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
"""

from __future__ import annotations

from ...analysis import world_requests
from ...model import Hit

ID = "KEY006"
MIN_PENDING_WINDOW_DAYS = 30  # KMS's default window


def check(doc, ctx):
    if doc.kind == "world":
        yield from _requests(doc)
        return
    value = doc.value if isinstance(doc.value, dict) else {}
    meta = value.get("KeyMetadata") if isinstance(value.get("KeyMetadata"), dict) else {}
    for where, window in (("KeyMetadata/PendingDeletionWindowInDays",
                           meta.get("PendingDeletionWindowInDays")),
                          ("PendingWindowInDays", value.get("PendingWindowInDays"))):
        if _short(window):
            yield Hit(f"{doc.arn or 'the key'} is deleted after a waiting period of only "
                      f"{window} days; schedule its deletion with {MIN_PENDING_WINDOW_DAYS} "
                      "days so that a key still in use can be noticed and saved", where)


def _requests(doc):
    for item in world_requests(doc):
        request = item.request
        name = (request.operation or request.action or "").split(":")[-1]
        window = (request.params or {}).get("PendingWindowInDays")
        if name != "ScheduleKeyDeletion" or not _short(window) or not item.decision.allowed:
            continue
        yield Hit(f"request {item.index}: {item.caller.arn} may schedule the deletion of "
                  f"{item.parts[0].resource} with a waiting period of only {window} days; use "
                  f"{MIN_PENDING_WINDOW_DAYS} days (and deny shorter ones with "
                  "kms:ScheduleKeyDeletionPendingWindowInDays)",
                  f"requests/{item.index}/params/PendingWindowInDays")


def _short(window) -> bool:
    return isinstance(window, int) and not isinstance(window, bool) \
        and window < MIN_PENDING_WINDOW_DAYS
