"""The CDKTF constructs: ``MaxComputePrivateLink`` (both endpoints, their zone bindings,
the network and the security group, in the guide's words), ``CustomDomainName`` (the
console's switch, as PrivateZone records), the deployment stack, naming, and
``bindings/``, the L1 layer generated from the provider's schema. Imports the model;
never the layers above.
"""
