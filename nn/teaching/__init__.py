"""The teaching math: one step explained, a point audited, the gradient checks, the loss landscape."""
