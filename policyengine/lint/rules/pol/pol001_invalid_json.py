"""The document is not JSON, so nothing else in it can be checked.

## What it checks

The file (or the policy string inside a scenario or a `get-key-policy` output) is not valid
JSON: a trailing comma, a comment, a single-quoted string, an unbalanced bracket, text that is
not UTF-8, or an element that appears twice in one object (AWS refuses duplicate keys; JSON
parsers silently keep the last one). The finding points at the line and column where the
text stops being JSON.

## Why it matters

AWS refuses to save the document (`MalformedPolicyDocumentException`), so a deployment that
carries it fails. Worse, tools that are lenient about JSON (or keep the last of two duplicate
keys) may show you a different policy from the one AWS would read. No other rule can look at
the file until it parses.

## Example

```json
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
     "Action": "kms:*", "Resource": "*",},
  ]
}
```

## Use instead

```json
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
     "Action": "kms:*", "Resource": "*"}
  ]
}
```

## References

- IAM JSON policy grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
- Access Analyzer JSON_SYNTAX_ERROR: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
- RFC 8259, The JavaScript Object Notation (JSON) Data Interchange Format
"""

from __future__ import annotations

from ...model import Hit

ID = "POL001"


def check(doc, ctx):
    error = doc.error
    yield Hit(error.message, "" if not error.json_path else error.json_path)
