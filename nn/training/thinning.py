"""A record of a run of any length in bounded memory: keep every k-th entry, doubling k when full.

After a million epochs it still holds at most `capacity` entries, spread evenly over the whole run
(the newest entry is always kept too), so a chart or a scrubber can show all of training. A dense
window keeps every one of the first `dense` epochs besides, never thinned: most of the learning
happens there, and a scrubber should move through it epoch by epoch. At most `dense + capacity`
entries in all.
"""


class Thinning:
    """Entries (epoch, value) for every epoch before `dense`, and for every `stride`-th epoch
    from then on, at most `capacity` of those."""

    def __init__(self, capacity, stride=1, dense=0):
        if capacity < 2 or stride < 1 or dense < 0:
            raise ValueError(f"capacity must be ≥ 2, stride ≥ 1 and dense ≥ 0, got {capacity}, {stride}, {dense}")
        self.capacity, self.stride, self.dense = int(capacity), int(stride), int(dense)
        self.entries = []   # [(epoch, value)]: every epoch before dense, then multiples of stride
        self.latest = None  # the newest (epoch, value), kept even between strides
        self._early = 0     # how many entries are in the dense window (they come first)

    def _thinned(self):
        """How many entries are past the dense window (the ones `capacity` counts)."""
        return len(self.entries) - self._early

    def keeps(self, epoch):
        """Whether an entry for `epoch` would be kept (so a costly value is made only then)."""
        if epoch < self.dense:
            return True
        if epoch % self.stride:
            return False
        return self._thinned() < self.capacity or epoch % (2 * self.stride) == 0

    def add(self, epoch, value):
        self.latest = (epoch, value)
        if epoch < self.dense:
            self.entries.append((epoch, value))
            self._early += 1
            return
        if epoch % self.stride:
            return
        if self._thinned() >= self.capacity:
            # halve: keep the entries on the doubled stride (the dense window stays whole)
            self.stride *= 2
            self.entries = [e for e in self.entries if e[0] < self.dense or e[0] % self.stride == 0]
            if epoch % self.stride:
                return
        self.entries.append((epoch, value))

    def drop_after(self, epoch):
        """Forget the entries after `epoch` (training went back to it); the newest kept is then
        the last one at or before it."""
        self.entries = [e for e in self.entries if e[0] <= epoch]
        self._early = sum(1 for e in self.entries if e[0] < self.dense)
        if self.latest is not None and self.latest[0] > epoch:
            self.latest = self.entries[-1] if self.entries else None

    def all(self):
        """Every kept entry, oldest first, with the newest one at the end."""
        if self.latest is not None and (not self.entries or self.entries[-1][0] != self.latest[0]):
            return self.entries + [self.latest]
        return list(self.entries)

    def at(self, epoch):
        """The kept entry closest to `epoch` at or before it (the oldest one if none is before)."""
        kept = self.all()
        if not kept:
            raise ValueError("nothing recorded yet")
        before = [e for e in kept if e[0] <= epoch]
        return before[-1] if before else kept[0]

    def to_parts(self):
        """Its whole state as plain values (the entries' values as they are)."""
        return {"capacity": self.capacity, "stride": self.stride, "dense": self.dense,
                "entries": list(self.entries), "latest": self.latest}

    @classmethod
    def from_parts(cls, parts):
        """The record `to_parts` described; ValueError if its epochs could not have been kept so."""
        kept = cls(parts["capacity"], parts["stride"], parts.get("dense", 0))  # (older files: no dense window)
        entries, latest = list(parts["entries"]), parts["latest"]
        epochs = [e for e, _ in entries]
        later = [e for e in epochs if e >= kept.dense]
        if len(later) > kept.capacity or any(e % kept.stride for e in later) or epochs != sorted(set(epochs)):
            raise ValueError(f"a record holds epochs {epochs[:5]}...; allowed: rising epochs, those from "
                             f"{kept.dense} on at most {kept.capacity} and each a multiple of {kept.stride}")
        if latest is not None and epochs and latest[0] < epochs[-1]:
            raise ValueError(f"a record's newest epoch ({latest[0]}) is before its last kept one ({epochs[-1]})")
        kept.entries, kept.latest = entries, latest
        kept._early = len(epochs) - len(later)
        return kept

    def __len__(self):
        return len(self.all())
