"""schemathesis hooks for CI, loaded through `hooks` in api/schemathesis.toml.

The contract's tagged unions map several tags to one schema (`zeros` and `ones` to
FillInitializer, `linear` and `dense` to LinearLayer, `add`/`mul`/`fill` to ArithmeticOp), as
OpenAPI allows and as generated clients need in order to decode by tag. schemathesis 4.32 inverts
such a mapping into one tag per schema (the last one wins) and pins the branch to it, so its
negative phase "breaks" a branch with another tag the branch does accept: it reported
`{"init": {"name": "zeros"}}` and `{"activation": {"type": "gelu"}}` as accepted violations.

A discriminator is only a decoding hint: each branch's own `enum` on the tag already makes the
`oneOf` choose exactly one branch, so removing the discriminators that map several tags to one
schema leaves the set of valid bodies unchanged, and the pin then comes from each branch's enum.
"""

import schemathesis


def _is_many_to_one(discriminator):
    targets = list((discriminator.get("mapping") or {}).values())
    return len(targets) != len(set(targets))


def _drop_many_to_one_discriminators(node):
    if isinstance(node, dict):
        discriminator = node.get("discriminator")
        if isinstance(discriminator, dict) and _is_many_to_one(discriminator):
            del node["discriminator"]
        for value in node.values():
            _drop_many_to_one_discriminators(value)
    elif isinstance(node, list):
        for value in node:
            _drop_many_to_one_discriminators(value)


@schemathesis.hook
def before_load_schema(context, raw_schema):
    _drop_many_to_one_discriminators(raw_schema)
