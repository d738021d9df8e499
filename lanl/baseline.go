package lanl

import (
	"math"
	"unsafe"
)

// Baseline learns what each user normally does: which computers it
// authenticates to, from which computers, at what hours, and which
// computer-to-computer edges exist. Observe scores an event against what
// was learned before it, then learns it (prequential, "test then train"),
// so one pass over a stream both fits the baseline on a training window and
// scores everything after it. The zero value is ready to use with
// smoothing 1. Memory grows with users, computers and distinct pairs, not
// with events. A Baseline is not safe for concurrent use.
type Baseline struct {
	// Smoothing is α, the weight of the back-off distribution in the
	// per-user estimates (a Dirichlet prior's strength); 0 means 1.
	Smoothing float64

	users     []userHistory
	compCount []uint32 // events into computer d (as destination)
	hours     [24]uint64
	total     uint64

	userDst pairTable // (user, destination computer)
	userSrc pairTable // (user, source computer)
	edges   pairTable // (source computer, destination computer)
}

// userHistory is one user's counts: n_u (as source user) and c(u, h).
type userHistory struct {
	events uint32
	hours  [24]uint32
}

// EventScore is what the baseline thinks of one event.
type EventScore struct {
	// PDestination is P(destination | user) =
	// (c(u,d) + α·P(d)) / (n_u + α), backing off to the destination's
	// global popularity P(d) = (c(d)+1)/(N+C).
	PDestination float64
	// PHour is P(hour of day | user), backing off to the global hour
	// profile (c(h)+1)/(N+24) the same way.
	PHour float64
	// NewDestination: the user never authenticated to this computer before.
	NewDestination bool
	// NewSource: the user never authenticated from this computer before.
	NewSource bool
	// NewEdge: no one ever authenticated from this source computer to this
	// destination computer before (self-logons excluded).
	NewEdge bool

	// the event's pairs, for the analyzer's window bookkeeping; edge is
	// nil for a logon to the source computer itself.
	userDst, userSrc, edge *pairEntry
}

// Rarity is −log P(destination | user), in nats.
func (s EventScore) Rarity() float64 { return -math.Log(s.PDestination) }

// HourSurprise is −log P(hour | user), in nats.
func (s EventScore) HourSurprise() float64 { return -math.Log(s.PHour) }

// Score is Rarity + HourSurprise = −log P(destination | user)·P(hour | user):
// the surprise of the event if destination and hour were independent given
// the user. The pipeline keeps probabilities and takes the logarithm once
// per incident, not per event.
func (s EventScore) Score() float64 { return -math.Log(s.PDestination * s.PHour) }

// hourOfDay of a data-set time in seconds.
func hourOfDay(t int64) int { return int(t % secondsPerDay / 3600) }

// Observe scores e against the past and then learns it.
func (b *Baseline) Observe(e Event) EventScore {
	alpha := b.Smoothing
	if alpha == 0 {
		alpha = 1
	}
	u, d := e.SrcUser, e.DstComputer
	b.ensure(u, max(d, e.SrcComputer))
	h := hourOfDay(e.Time)
	var s EventScore
	hist := &b.users[u]
	nu := float64(hist.events)
	total := float64(b.total)

	s.userDst, s.NewDestination = b.userDst.find(u, d)
	pd := (float64(b.compCount[d]) + 1) / (total + float64(len(b.compCount)))
	s.PDestination = (float64(s.userDst.count) + alpha*pd) / (nu + alpha)

	ph := (float64(b.hours[h]) + 1) / (total + 24)
	s.PHour = (float64(hist.hours[h]) + alpha*ph) / (nu + alpha)

	s.userSrc, s.NewSource = b.userSrc.find(u, e.SrcComputer)
	if e.SrcComputer != d {
		s.edge, s.NewEdge = b.edges.find(e.SrcComputer, d)
	}

	s.userDst.count++
	hist.events++
	hist.hours[h]++
	b.compCount[d]++
	b.hours[h]++
	b.total++
	return s
}

// touch prefetches e's per-user and per-pair state (see
// Analyzer.ObserveBatch).
func (b *Baseline) touch(e Event) {
	b.ensure(e.SrcUser, max(e.DstComputer, e.SrcComputer))
	// A user's history is 100 bytes: the hour's count can sit on the next
	// cache line from the event count.
	hist := &b.users[e.SrcUser]
	prefetch(unsafe.Pointer(hist))
	prefetch(unsafe.Pointer(&hist.hours[hourOfDay(e.Time)]))
	prefetch(unsafe.Pointer(&b.compCount[e.DstComputer]))
	b.userDst.touch(e.SrcUser, e.DstComputer)
	b.userSrc.touch(e.SrcUser, e.SrcComputer)
	b.edges.touch(e.SrcComputer, e.DstComputer)
}

// ensure grows the per-user and per-computer arrays to cover the IDs.
func (b *Baseline) ensure(user, computer uint32) {
	for uint32(len(b.users)) <= user {
		b.users = append(b.users, userHistory{})
	}
	for uint32(len(b.compCount)) <= computer {
		b.compCount = append(b.compCount, 0)
	}
}

// Pairs returns the numbers of distinct (user, destination), (user, source)
// and (source, destination) pairs learned: the baseline's size.
func (b *Baseline) Pairs() (userDst, userSrc, edges int) {
	return b.userDst.len(), b.userSrc.len(), b.edges.len()
}

// bytes estimates the baseline's memory.
func (b *Baseline) bytes() int64 {
	return b.userDst.bytes() + b.userSrc.bytes() + b.edges.bytes() +
		int64(cap(b.users))*int64(unsafe.Sizeof(userHistory{})) + 4*int64(cap(b.compCount))
}
