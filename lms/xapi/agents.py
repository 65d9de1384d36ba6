"""Agents and groups: their inverse functional identifier (IFI) as one comparable string."""
from __future__ import annotations

IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")


def agent_ifi(agent: dict) -> str | None:
    """``mbox:mailto:…``, ``mbox_sha1sum:…``, ``openid:…`` or ``account:<homePage>|<name>``; None if anonymous."""
    if not isinstance(agent, dict):
        return None
    for key in IFI_KEYS:
        value = agent.get(key)
        if value is None:
            continue
        if key == "account":
            return f"account:{value.get('homePage')}|{value.get('name')}"
        if key == "mbox_sha1sum":
            return f"mbox_sha1sum:{str(value).lower()}"
        return f"{key}:{value}"
    return None


def agent_ifis(agent: dict) -> list[str]:
    """The agent's own IFI and, for a group, its members' (a group's statements are its members' too)."""
    found = []
    own = agent_ifi(agent)
    if own:
        found.append(own)
    for member in agent.get("member") or ():
        ifi = agent_ifi(member)
        if ifi:
            found.append(ifi)
    return found


def ids_only(agent: dict) -> dict:
    """``format=ids``: the IFI and objectType only (an anonymous group keeps its members' IFIs)."""
    kept = {key: agent[key] for key in ("objectType", *IFI_KEYS) if key in agent}
    if agent.get("objectType") == "Group" and not any(key in agent for key in IFI_KEYS):
        kept["member"] = [ids_only(member) for member in agent.get("member") or ()]
    return kept


def person_object(agent: dict) -> dict:
    """GET /agents: the Person object of what the LRS knows of this agent (here: what was asked)."""
    person = {"objectType": "Person"}
    if agent.get("name"):
        person["name"] = [agent["name"]]
    for key in IFI_KEYS:
        if key in agent:
            person[key] = [agent[key]]
    return person
