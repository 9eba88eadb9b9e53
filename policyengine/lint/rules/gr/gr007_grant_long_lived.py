"""A grant has lived for more than a year and nobody is named to retire it.

## What it checks

Grants with no retiring principal (`RetiringPrincipal` / `RetiringServicePrincipal`) whose
`CreationDate` is more than 365 days before the time of the run. The creation date is what
`aws kms list-grants` reports for each grant (ISO 8601 text, or epoch seconds from older
CLIs); grants without one, such as a scenario's (the scenario format has no creation date),
are not judged. Grants for AWS service principals, which the services retire themselves, are
left out.

## Why it matters

Grants never expire: a grant made for a one-off job, a migration or a former team keeps
working until someone retires or revokes it, and grants do not show up in the key policy where
reviewers look. A year-old grant with no retiring principal is most likely forgotten access.
KMS recommends retiring or revoking grants once their permissions are no longer needed.

## Example

```json
{"Grants": [{"GrantId": "0c237476b39f8bc44e45212e08498fbe3151305030726c0590dd8d3e9f3d6a60",
  "CreationDate": "2021-03-01T09:30:00+00:00",
  "GranteePrincipal": "arn:aws:iam::111122223333:role/MigrationJob",
  "Operations": ["Decrypt"]}]}
```

## Use instead

```sh
aws kms revoke-grant --key-id 1234abcd-12ab-34cd-56ef-1234567890ab \
    --grant-id 0c237476b39f8bc44e45212e08498fbe3151305030726c0590dd8d3e9f3d6a60
```

and give new grants a `--retiring-principal` that retires them when the work is done.

## References

- Retiring and revoking grants: https://docs.aws.amazon.com/kms/latest/developerguide/grant-delete.html
- Best practices for AWS KMS grants: https://docs.aws.amazon.com/kms/latest/developerguide/grant-best-practices.html
- ListGrants, GrantListEntry.CreationDate: https://docs.aws.amazon.com/kms/latest/APIReference/API_GrantListEntry.html
"""

from __future__ import annotations

from datetime import datetime, timezone

from ...analysis import grant_field, grant_label, is_service_principal, timestamp
from ...model import Hit

ID = "GR007"
MAX_AGE_DAYS = 365


def check(doc, ctx):
    now = datetime.now(timezone.utc)
    for entry in doc.entries:
        grant = entry.grant
        if grant is None or grant.retiring or grant.retiring_service:
            continue
        if grant.grantee_service or is_service_principal(grant.grantee):
            continue  # AWS services retire the grants they use
        value, path = grant_field(entry, "creation_date")
        created = timestamp(value)
        if created is None:
            continue
        age = (now - created).days
        if age <= MAX_AGE_DAYS:
            continue
        yield Hit(f"{grant_label(entry)} for {grant.grantee} was created on {created.date()}, "
                  f"{age} days ago, and has no retiring principal; revoke it if it is no longer "
                  "needed, or recreate it with a retiring principal", path)
