"""A PingFederate stand-in that enforces PingFederate's published Administrative API document, for
rehearsing the PingFederate path without a licence.

- ``document``: the OpenAPI document (12.1.0.4, as published, beside this module), the patches the
  validating library needs, and the checks of a call and an answer against it;
- ``configuration``: data stores, SP connections, provisioning settings, and the rules the
  document's prose states;
- ``app``: the Administrative API, call by call (HTTP Basic, ``X-XSRF-Header``, ``ApiResult``);
- ``provisioning``: cycles of the active channels, run by the reference provisioner configured
  from the stored ``outboundProvision``, leaving PingFederate's log files;
- ``checks``: what a save without ``X-BypassExternalValidation`` checks outside (LDAP, Zoom);
- ``server``: all of it in-process (an httpx transport) or served on loopback.

It is written from the document, not from the harness's adapter: no module here imports
``harness.sut`` (an import-linter contract says so).
"""
