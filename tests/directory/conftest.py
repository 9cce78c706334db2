"""A directory of the test's own on the session's slapd (each test writes under a root of its own),
and the times the directory itself wrote."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from harness.directory.ldap import LdapAddress, LdapPeople
from harness.directory.slapd import DirectoryServer

_ROOTS = itertools.count()


@pytest.fixture
def address(slapd: DirectoryServer) -> LdapAddress:
    return LdapAddress(slapd.url, slapd.bind_dn, slapd.password)


@pytest.fixture
def people(address: LdapAddress, slapd: DirectoryServer) -> Iterator[LdapPeople]:
    directory = LdapPeople(address, root_dn=f"ou=t{next(_ROOTS)},{slapd.suffix}", domain="example.com", seed=5)
    yield directory
    directory.close()


def stamp(address: LdapAddress, dn: str, attribute: str = "modifyTimestamp") -> str:
    """A time the directory wrote on an entry, cut to whole seconds (``20261204101112Z``)."""
    connection = address.connect()
    try:
        connection.search(dn, "(objectClass=*)", search_scope="BASE", attributes=[attribute])
        return connection.response[0]["raw_attributes"][attribute][0].decode()[:14] + "Z"
    finally:
        connection.unbind()
