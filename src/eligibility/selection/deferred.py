"""Deferred acceptance kept up to date as people are added, changed or removed.

:class:`LiveAllocation` always holds the seats :func:`~eligibility.selection.allocation.
allocate` gives the current applications: the candidate-optimal stable allocation, which
candidate-proposing deferred acceptance (DA) reaches whatever order the proposals are
processed in (Dubins-Freedman; Gale-Sotomayor). A person's applications are their eligible
nominations, most wanted first, each with its ranking key at that quota (a lower key is a
better rank). All of them take part: restricting to the "winnable" ones, as the batch does,
gives the same seats (:func:`~eligibility.selection.allocation.winnable`).

**Adding** a person is McVitie-Wilson: they propose down their list; whoever a quota then
rejects proposes on from where they were, and so on until someone takes a free seat or runs
out of quotas. That is one more DA run order of the larger instance, so its outcome.

**Removing** person ``p`` cannot simply hand ``p``'s seat to the best applicant who wants it
(a vacancy chain): others may have been rejected only because ``p``'s proposals pushed
people down (even if ``p`` ends with no seat), and undoing that can move seats anywhere along
those chains. Instead the people whose rejections may have depended on ``p`` are found, and
only they propose again:

- Every rejection is kept with a *witness*: the worst seat holder of the quota just after
  it rejected (the quota then held its capacity of people, all ranked at or above the
  witness). ``c`` proposed to the quotas of their list down to the one they hold (all of
  them when they hold none) and was rejected by all but the one they hold.
- ``A``, the *affected* people, is the smallest set holding ``p`` such that whoever was
  rejected by a quota that some member of ``A`` proposed to, with a witness ranked at or
  below that member (so that the member may have been among the holders then), is in
  ``A``.
- Claim: everyone outside ``A`` holds the same seat after the removal. Take any DA run of
  the current instance ``I`` and suppose some rejection of a non-affected ``c`` by quota
  ``q`` does not happen in a DA run of ``N`` (the non-affected people alone); take the
  earliest such in ``I``'s run. When ``q`` rejected ``c`` it held its capacity of people
  ranked at or above the witness; none is in ``A`` (else ``c`` would be), so each is in
  ``N``, and each
  had been rejected by every quota they prefer to ``q`` earlier in the run, so (minimality)
  also in ``N``'s run, where they therefore propose to ``q`` and ``c`` is rejected again
  (with the same holders, so the same witness: those of ``A`` who had proposed were
  ranked below them).
  Conversely, people removed can only spare rejections (Gale-Sotomayor: fewer proposers
  never make a proposer worse off). So DA over ``N`` alone seats each of them where ``I``
  did, never rejecting anyone from the seat they end with.
- That state is therefore a point of a DA run of ``I`` without ``p`` in which ``N``'s
  proposals came first. The run continues with every other affected person proposing from
  the top of their list; nobody of ``N`` is displaced on the way (a DA run never rejects
  anyone from the seat they end with; :meth:`LiveAllocation.change` checks it), and the end
  is the candidate-optimal stable allocation without ``p``. The rejections of that run are
  recorded with their witnesses as they happen; the others keep theirs (valid in the run
  just described), so the invariant holds for the next change.

An update is that removal, then the person's new applications added (McVitie-Wilson). How
far ``A`` reaches depends on how contested the quotas are; at most it is everyone (a full DA
run).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Mapping, Sequence

from eligibility.selection.keys import Key
from eligibility.selection.standings import Standings

Application = tuple[str, Key]  # (quota, ranking key there)
Rejection = tuple[Key, Key]  # (witness, the key rejected)


class LiveAllocation:
    """Seats by deferred acceptance over applications that change one person at a time."""

    def __init__(self, capacity: Mapping[str, int], standings: Standings) -> None:
        self._capacity = dict(capacity)
        self._standings = standings
        self._wishes: dict[str, Sequence[Application]] = {}
        self._seat: dict[str, int] = {}  # person -> index in wishes of the quota held
        self._held: dict[str, list[Key]] = {quota: [] for quota in capacity}
        self._witness: dict[str, list[Key | None]] = {}  # per wish, of its rejection
        # Per quota, its rejections sorted by witness (none for a quota without seats: it
        # rejects everyone whoever else applies).
        self._rejections: dict[str, list[Rejection]] = {quota: [] for quota in capacity}
        self.last_affected = 0

    def seat(self, person: str) -> str | None:
        """The quota ``person`` holds a seat in, if any."""
        index = self._seat.get(person)
        return None if index is None else self._wishes[person][index][0]

    def change(self, person: str, wishes: Sequence[Application] | None) -> None:
        """Give ``person`` these applications (most wanted first), or none (``None``)."""
        affected = self._affected(person) if person in self._wishes else {person}
        self.last_affected = len(affected)
        for someone in affected:
            if someone in self._wishes:
                self._forget(someone)
        for quota, key in self._wishes.pop(person, ()):
            self._standings.remove(quota, key)
        self._witness.pop(person, None)
        for proposer in sorted(affected - {person}):
            self._propose(proposer, 0, affected)
        if wishes:
            self._wishes[person] = tuple(wishes)
            self._witness[person] = [None] * len(wishes)
            for quota, key in wishes:
                self._standings.add(quota, key)
            self._propose(person, 0, None)

    # --- internals -----------------------------------------------------------------------------

    def _propose(self, person: str, index: int, movable: set[str] | None) -> None:
        """``person`` proposes from ``index`` on; each person displaced proposes on in turn
        (only people of ``movable`` may be, when given)."""
        wishes, seat, held, capacity = self._wishes, self._seat, self._held, self._capacity
        while True:
            choices = wishes[person]
            while index < len(choices):
                quota, key = choices[index]
                seats = held[quota]
                if len(seats) < capacity[quota]:
                    insort(seats, key)
                    seat[person] = index
                    return
                if seats and key < seats[-1]:
                    out = seats.pop()
                    insort(seats, key)
                    seat[person] = index
                    person, index = out[-1], seat[out[-1]]
                    if movable is not None and person not in movable:
                        raise AssertionError(f"deferred acceptance displaced {person}, "
                                             f"whose seat cannot change")
                    self._reject(person, index, seats[-1])
                    index += 1
                    break
                self._reject(person, index, seats[-1] if seats else None)
                index += 1
            else:
                seat.pop(person, None)
                return

    def _reject(self, person: str, index: int, witness: Key | None) -> None:
        self._witness[person][index] = witness
        if witness is not None:
            quota, key = self._wishes[person][index]
            insort(self._rejections[quota], (witness, key))

    def _forget(self, person: str) -> None:
        """Take back ``person``'s seat and rejections, before they propose again."""
        wishes = self._wishes[person]
        index = self._seat.pop(person, None)
        if index is not None:
            quota, key = wishes[index]
            self._held[quota].remove(key)
        witnesses = self._witness[person]
        for rejected in range(len(wishes) if index is None else index):
            witness = witnesses[rejected]
            if witness is not None:
                quota, key = wishes[rejected]
                rejections = self._rejections[quota]
                del rejections[bisect_left(rejections, (witness, key))]
                witnesses[rejected] = None

    def _proposed(self, person: str) -> Sequence[Application]:
        """The applications ``person`` made in the current seats' DA run."""
        wishes = self._wishes[person]
        index = self._seat.get(person)
        return wishes if index is None else wishes[:index + 1]

    def _affected(self, person: str) -> set[str]:
        """The smallest set holding ``person`` closed under "rejected by a quota a member
        proposed to, with a witness ranked at or below that member" (module docstring)."""
        affected = {person}
        stack = [person]
        scanned: dict[str, Key] = {}  # quota -> best member key whose rejections were taken
        while stack:
            member = stack.pop()
            for quota, key in self._proposed(member):
                done = scanned.get(quota)
                if done is not None and not key < done:
                    continue
                scanned[quota] = key
                rejections = self._rejections[quota]
                end = len(rejections) if done is None else bisect_left(rejections, (done,))
                for _, rejected in rejections[bisect_left(rejections, (key,)):end]:
                    someone = rejected[-1]
                    if someone not in affected:
                        affected.add(someone)
                        stack.append(someone)
        return affected
