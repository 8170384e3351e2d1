"""What people read: the client configs (``render``), the pull-request review (``summary``)
and the CI workflow (``ci``), each from jinja2 templates through one environment. Reads
synthesized stacks through ``layout``; never starts Node.
"""
