"""An enabled customer managed key that nothing uses.

## What it checks

Enabled customer managed keys with no recorded use. What counts as use depends on the input:

* `describe-key` output with the output of `get-key-last-usage` merged in (`KeyLastUsage`,
  `TrackingStartDate`): the last successful cryptographic operation is more than 90 days old,
  or there is none and KMS has been tracking the key for more than 90 days. Without these
  fields there is no usage data and the key is not judged.
* a scenario file (a world, where no time passes): nothing in the world uses or refers to the
  key. No request touches it (as the engine resolves the key of each authorisation, by ARN, key
  ID, alias or ciphertext) or holds a ciphertext made under it, it has no grant and no alias,
  and no other policy of the world (an identity policy, another key's policy, an SCP, ...)
  names its key ID or ARN.

AWS managed keys, disabled keys (KEY004) and keys pending deletion (KEY005) are not reported.

## Why it matters

A key nobody uses still has a key policy that gives people rights, grants that can be used,
and a monthly cost; it is attack surface without a purpose, and inventories full of them hide
the keys that matter. The safe way to retire one is to disable it first, watch for failed
requests (CloudTrail, a CloudWatch alarm), and schedule its deletion only when nothing breaks.

## Example

```json
{"KeyMetadata": {"Arn": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                 "KeyState": "Enabled", "KeyManager": "CUSTOMER"},
 "TrackingStartDate": "2025-01-10T00:00:00+00:00", "KeyLastUsage": {}}
```

## Use instead

```sh
aws kms disable-key --key-id 1234abcd-12ab-34cd-56ef-1234567890ab
# after a period without failed requests:
aws kms schedule-key-deletion --key-id 1234abcd-12ab-34cd-56ef-1234567890ab --pending-window-in-days 30
```

## References

- GetKeyLastUsage: https://docs.aws.amazon.com/kms/latest/APIReference/API_GetKeyLastUsage.html
- aws kms get-key-last-usage: https://docs.aws.amazon.com/cli/latest/reference/kms/get-key-last-usage.html
- Deleting KMS keys (disable first): https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ...analysis import source_text, world_requests
from ...model import Hit, PolicyDocument

ID = "KEY010"
LOOKBACK_DAYS = 90


def check(doc, ctx):
    if doc.kind == "world":
        yield from _unreferenced(doc)
    elif doc.state == "Enabled" and doc.manager != "AWS":
        yield from _last_usage(doc)


def _last_usage(doc):
    value = doc.value if isinstance(doc.value, dict) else {}
    usage = value.get("KeyLastUsage")
    cutoff = datetime.now(timezone.utc) - timedelta(days=LOOKBACK_DAYS)
    last = _moment(usage.get("Timestamp")) if isinstance(usage, dict) else None
    if last is not None:
        if last < cutoff:
            operation = usage.get("Operation") or "a cryptographic operation"
            yield Hit(f"{doc.arn or 'the key'} was last used on {last.date()} ({operation}), "
                      f"more than {LOOKBACK_DAYS} days ago; disable it and, if nothing fails, "
                      "schedule its deletion", "KeyLastUsage/Timestamp")
        return
    start = _moment(value.get("TrackingStartDate"))
    if start is not None and start < cutoff:
        yield Hit(f"{doc.arn or 'the key'} has no recorded cryptographic use since KMS began "
                  f"tracking it on {start.date()}; disable it and, if nothing fails, schedule "
                  "its deletion", "TrackingStartDate")


def _unreferenced(doc):
    world = doc.world
    used = set()
    for item in world_requests(doc):
        used.update(part.resource for part in item.parts)
        blob = (item.request.params or {}).get("CiphertextBlob")
        if isinstance(blob, dict):
            used.add(blob.get("key"))  # the key a ciphertext was made under
    for index, key in enumerate(world.keys):
        if key.state != "Enabled" or key.aws_managed or key.grants or key.aliases \
                or key.arn in used:
            continue
        own = doc.key_policy_document(key.arn)
        if any(key.key_id in source_text(other) for other in doc.documents
               if isinstance(other, PolicyDocument) and other is not own):
            continue
        yield Hit(f"{key.arn} is an enabled customer managed key that nothing in this scenario "
                  "uses or refers to (no request, grant, alias or other policy); if it is "
                  "really unused, disable it and schedule its deletion", f"keys/{index}")


def _moment(value) -> datetime | None:
    """A timestamp of AWS CLI output: ISO 8601 text, or seconds since the epoch."""
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, timezone.utc)
        if isinstance(value, str) and value:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    except (ValueError, OverflowError, OSError):
        return None
    return None
