package lanl

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/mlprep/mlprep/internal/progress"
)

// Synth configures the synthetic data generator: background authentication
// traffic in the exact auth.txt format, with injected red-team campaigns
// written to a matching redteam.txt. The zero value generates about a
// million lines over 14 days for 1,000 users and 1,200 computers, no
// campaigns. Equal configurations give byte-identical files. Generate
// streams: memory depends on users and computers, not on Lines.
//
// The background: users draw their activity from a heavy-tailed (Pareto)
// distribution and their destinations from a small personal set (home
// computer first, then servers chosen by a Zipf law over global
// popularity), now and then exploring a computer outside the set. Four
// populations follow their own rhythm: day workers (weekday office hours),
// night workers, service accounts (flat) and machine accounts ("C12$@DOM1",
// flat, to their own computer and the servers). Administrators have large
// sets and explore often; some users join mid-way and some move to a new
// workstation, so new edges happen in the background too. Day 0 is a
// Monday; hours are those of the data set's clock.
type Synth struct {
	// Seed makes the output reproducible.
	Seed uint64
	// Users is the number of human and service accounts; 0 means 1,000.
	Users int
	// Computers is the number of computers, each with a machine account;
	// 0 means 1,200. The first 2% (at least 5) are servers.
	Computers int
	// Days is the span of the data; 0 means 14.
	Days int
	// Lines is the expected number of background lines; 0 means 1,000,000.
	Lines int64
	// TrainDays: campaigns start on or after this day, leaving the first
	// days clean for baselining; 0 means 3 (and must be < Days).
	TrainDays int
	// Campaigns is the number of invented red-team campaigns.
	Campaigns int
	// Stealth in [0, 1] shapes the campaigns: 0 is loud (night hours, a
	// dozen new computers per burst within minutes, pass-the-hash over NTLM
	// from a foothold, chains of hops); 1 is quiet (office hours, one new
	// computer per burst spread over hours, Kerberos from the victim's own
	// workstation, mixed with visits to computers the victim knows).
	Stealth float64
	// Weave adds these red-team events (the real ones, say) at their
	// times: their users and computers join the background as ordinary
	// day workers and computers, and each event becomes an auth line and a
	// red-team line.
	Weave []NamedRedTeamEvent
	// Progress, when set, receives progress lines.
	Progress io.Writer
}

// NamedRedTeamEvent is a red-team event by names, as Synth.Weave takes it.
type NamedRedTeamEvent struct {
	Time                     int64
	User                     string
	SrcComputer, DstComputer string
}

// Named returns e with its IDs resolved in d.
func (d *Dictionary) Named(e RedTeamEvent) NamedRedTeamEvent {
	return NamedRedTeamEvent{Time: e.Time, User: d.Users.Name(e.User),
		SrcComputer: d.Computers.Name(e.SrcComputer), DstComputer: d.Computers.Name(e.DstComputer)}
}

// SynthStats describes a generated data set.
type SynthStats struct {
	Lines        int64 // auth lines written
	RedTeamLines int64 // red-team lines written (campaign and woven events)
	Users        int   // accounts, machine accounts included
	Computers    int
	Campaigns    int
	Days         int
}

func (s Synth) withDefaults() (Synth, error) {
	s.Users = cmp.Or(s.Users, 1000)
	s.Computers = cmp.Or(s.Computers, 1200)
	s.Days = cmp.Or(s.Days, 14)
	s.Lines = cmp.Or(s.Lines, 1_000_000)
	s.TrainDays = cmp.Or(s.TrainDays, 3)
	switch {
	case s.Users < 10 || s.Computers < 20:
		return s, fmt.Errorf("%w: need at least 10 users and 20 computers, have %d and %d", ErrConfig, s.Users, s.Computers)
	case s.Days < 1 || s.Lines < 1:
		return s, fmt.Errorf("%w: Days = %d, Lines = %d", ErrConfig, s.Days, s.Lines)
	case s.Campaigns < 0 || (s.Campaigns > 0 && s.TrainDays >= s.Days):
		return s, fmt.Errorf("%w: %d campaigns after %d training days of %d", ErrConfig, s.Campaigns, s.TrainDays, s.Days)
	case !(s.Stealth >= 0 && s.Stealth <= 1):
		return s, fmt.Errorf("%w: Stealth = %v, need [0, 1]", ErrConfig, s.Stealth)
	}
	for _, e := range s.Weave {
		if e.Time < 1 || e.Time > int64(s.Days)*secondsPerDay {
			return s, fmt.Errorf("%w: woven event at time %d is outside the %d days", ErrConfig, e.Time, s.Days)
		}
		if !validUser([]byte(e.User)) || e.SrcComputer == "" || e.DstComputer == "" {
			return s, fmt.Errorf("%w: woven event %+v has an empty or domain-less name", ErrConfig, e)
		}
	}
	return s, nil
}

const secondsPerDay = 86400

// The account populations, each with its rhythm and share of the volume.
const (
	classDay = iota
	classNight
	classService
	classMachine
	numClasses
)

var classShare = [numClasses]float64{classDay: 0.50, classNight: 0.04, classService: 0.11, classMachine: 0.35}

// rhythm is the relative activity of a population at an hour of the week
// (0 = Monday 00:00).
func rhythm(class, hourOfWeek int) float64 {
	dow, hod := hourOfWeek/24, hourOfWeek%24
	weekend := dow >= 5
	office := func() float64 {
		switch {
		case weekend && hod >= 9 && hod < 18:
			return 0.06
		case weekend:
			return 0.02
		case hod >= 8 && hod < 18:
			return 1
		case hod == 7 || hod == 18 || hod == 19:
			return 0.35
		}
		return 0.03
	}
	switch class {
	case classDay:
		return office()
	case classNight:
		if hod >= 20 || hod < 6 {
			return 1
		}
		return 0.08
	case classService:
		if weekend {
			return 0.8
		}
		return 1
	}
	return 1 + 0.3*office()
}

type synthUser struct {
	name           []byte
	class          uint8
	home, second   int32
	newHome        int32 // home from migrateDay on
	migrateDay     int32
	firstDay       int32 // inactive before
	dstLo, dstHi   int32 // personal destinations: dsts[dstLo:dstHi]
	explore, fails float64
}

// generator holds the population and the output of one Generate call.
type generator struct {
	Synth
	r         *rand.Rand
	users     []synthUser
	computers [][]byte
	servers   int
	dsts      []int32
	cdf       []float32
	popular   *rand.Zipf
	byClass   [numClasses]aliasTable
	classIDs  [numClasses][]int32
	w         *bufio.Writer
	line      []byte
	lines     int64
}

// Generate writes the auth lines to auth and the red-team lines (sorted by
// time) to redteam, which may be nil when there are none to write.
func (s Synth) Generate(ctx context.Context, auth, redteam io.Writer) (SynthStats, error) {
	s, err := s.withDefaults()
	if err != nil {
		return SynthStats{}, err
	}
	g := &generator{Synth: s, r: rand.New(rand.NewPCG(s.Seed, 0x6c616e6c)), w: bufio.NewWriterSize(auth, 1<<20)}
	g.population()
	special := g.campaigns()
	special = append(special, g.woven()...)
	slices.SortStableFunc(special, func(a, b specialEvent) int { return cmp.Compare(a.t, b.t) })
	if len(special) > 0 {
		if redteam == nil {
			return SynthStats{}, fmt.Errorf("%w: red-team events to write and no red-team writer", ErrConfig)
		}
		if err := g.writeRedTeam(redteam, special); err != nil {
			return SynthStats{}, err
		}
	}
	if err := g.background(ctx, special); err != nil {
		return SynthStats{}, err
	}
	if err := g.w.Flush(); err != nil {
		return SynthStats{}, fmt.Errorf("lanl: writing auth lines: %w", err)
	}
	return SynthStats{Lines: g.lines, RedTeamLines: int64(len(special)), Users: len(g.users),
		Computers: len(g.computers), Campaigns: s.Campaigns, Days: s.Days}, nil
}

// population builds computers, accounts and their habits.
func (g *generator) population() {
	r := g.r
	compIndex := map[string]int32{}
	addComputer := func(name string) int32 {
		if i, ok := compIndex[name]; ok {
			return i
		}
		i := int32(len(g.computers))
		compIndex[name] = i
		g.computers = append(g.computers, []byte(name))
		return i
	}
	for i := range g.Computers {
		addComputer("C" + strconv.Itoa(i+1))
	}
	g.servers = max(5, g.Computers/50)
	userIndex := map[string]int32{}
	addUser := func(name string, class uint8) int32 {
		if i, ok := userIndex[name]; ok {
			return i
		}
		i := int32(len(g.users))
		userIndex[name] = i
		g.users = append(g.users, synthUser{name: []byte(name), class: class})
		return i
	}
	for i := range g.Users {
		u := r.Float64()
		class := uint8(classDay)
		switch {
		case u < 0.06:
			class = classNight
		case u < 0.16:
			class = classService
		}
		addUser("U"+strconv.Itoa(i+1)+"@DOM1", class)
	}
	for _, e := range g.Weave {
		addUser(e.User, classDay)
		addComputer(e.SrcComputer)
		addComputer(e.DstComputer)
	}
	nComp := len(g.computers)
	g.popular = rand.NewZipf(r, 1.1, 4, uint64(nComp-1))
	workstation := func() int32 { return int32(g.servers + r.IntN(nComp-g.servers)) }
	for i := range g.users {
		u := &g.users[i]
		u.home, u.second = workstation(), workstation()
		u.newHome, u.migrateDay, u.firstDay = u.home, math.MaxInt32, 0
		if r.Float64() < 0.03 {
			u.firstDay = int32(r.IntN(g.Days))
		}
		if r.Float64() < 0.02 {
			u.migrateDay, u.newHome = int32(r.IntN(g.Days)), workstation()
		}
		k := 1 + int(r.ExpFloat64()*4)
		u.explore, u.fails = 0.003, 0.005
		switch {
		case u.class == classService:
			k, u.explore = 5+r.IntN(40), 0.01
		case r.Float64() < 0.02: // administrators
			k, u.explore = 20+r.IntN(60), 0.03
		}
		if r.Float64() < 0.03 {
			u.fails = 0.2 // stale saved passwords
		}
		g.personalSet(u, u.home, min(k, 80))
	}
	for c := range nComp {
		i := addUser(string(g.computers[c])+"$@DOM1", classMachine)
		u := &g.users[i]
		u.home, u.second, u.newHome, u.migrateDay = int32(c), int32(c), int32(c), math.MaxInt32
		u.explore, u.fails = 0, 0.001
		g.personalSet(u, int32(c), 1+r.IntN(3))
	}
	for class := range numClasses {
		var ids []int32
		var w []float64
		for i, u := range g.users {
			if int(u.class) == class {
				ids = append(ids, int32(i))
				// Pareto(α = 1.3) activity: a few accounts do most of the work.
				w = append(w, math.Pow(1-r.Float64(), -1/1.3))
			}
		}
		g.classIDs[class], g.byClass[class] = ids, newAliasTable(w)
	}
}

// personalSet gives u its home plus k popular destinations, weighted 1/rank.
func (g *generator) personalSet(u *synthUser, home int32, k int) {
	u.dstLo = int32(len(g.dsts))
	seen := map[int32]bool{home: true}
	g.dsts = append(g.dsts, home)
	for tries := 0; len(seen) < k+1 && tries < 10*k; tries++ {
		c := int32(g.popular.Uint64())
		if !seen[c] {
			seen[c] = true
			g.dsts = append(g.dsts, c)
		}
	}
	u.dstHi = int32(len(g.dsts))
	var sum float32
	for i := range u.dstHi - u.dstLo {
		sum += 1 / float32(i+1)
		g.cdf = append(g.cdf, sum)
	}
	for i := u.dstLo; i < u.dstHi; i++ {
		g.cdf[i] /= sum
	}
}

func (g *generator) personalDst(u *synthUser) int32 {
	x := g.r.Float32()
	for i := u.dstLo; i < u.dstHi-1; i++ {
		if x < g.cdf[i] {
			return g.dsts[i]
		}
	}
	return g.dsts[u.dstHi-1]
}

// specialEvent is a red-team event in the generator's IDs.
type specialEvent struct {
	t              int64
	user, src, dst int32
	success        bool
	ntlm           bool
}

// campaigns invents the red-team campaigns: a stolen credential used from
// a foothold to reach computers its owner never used.
func (g *generator) campaigns() []specialEvent {
	r, st := g.r, g.Stealth
	var out []specialEvent
	lerp := func(a, b float64) float64 { return a + (b-a)*st }
	for range g.Campaigns {
		victim := g.classIDs[classDay][r.IntN(len(g.classIDs[classDay]))]
		u := &g.users[victim]
		known := map[int32]bool{}
		for i := u.dstLo; i < u.dstHi; i++ {
			known[g.dsts[i]] = true
		}
		foothold := u.home
		if st < 0.7 {
			for foothold == u.home || known[foothold] {
				foothold = int32(g.servers + r.IntN(len(g.computers)-g.servers))
			}
		}
		compromised := []int32{foothold}
		day := g.TrainDays + r.IntN(g.Days-g.TrainDays)
		days := 1
		if r.Float64() < 0.4 && day+1 < g.Days {
			days = 2
		}
		for d := day; d < day+days; d++ {
			for range 1 + r.IntN(2) {
				var hour int
				if st < 0.5 {
					hour = r.IntN(6)
				} else {
					hour = 9 + r.IntN(8)
				}
				start := int64(d)*secondsPerDay + int64(hour)*3600 + int64(r.IntN(3600))
				spread := lerp(600, 6*3600)
				nNew := max(1, int(math.Round(lerp(12, 1)*(0.7+0.6*r.Float64()))))
				for range nNew {
					dst := int32(r.IntN(len(g.computers)))
					for known[dst] {
						dst = int32(r.IntN(len(g.computers)))
					}
					known[dst] = true
					src := foothold
					if st < 0.5 && r.Float64() < 0.3 {
						src = compromised[r.IntN(len(compromised))]
					}
					t := start + int64(r.Float64()*spread)
					e := specialEvent{t: t, user: victim, src: src, dst: dst, success: true, ntlm: st < 0.5}
					if r.Float64() < 0.2*(1-st) {
						f := e
						f.success = false
						out = append(out, f)
					}
					out = append(out, e)
					compromised = append(compromised, dst)
				}
				if st >= 0.5 {
					for range 1 + r.IntN(2) {
						t := start + int64(r.Float64()*spread)
						out = append(out, specialEvent{t: t, user: victim, src: foothold, dst: g.personalDst(u), success: true})
					}
				}
			}
		}
	}
	return out
}

// woven maps Synth.Weave into the generator's IDs.
func (g *generator) woven() []specialEvent {
	if len(g.Weave) == 0 {
		return nil
	}
	users := map[string]int32{}
	for i, u := range g.users {
		users[string(u.name)] = int32(i)
	}
	comps := map[string]int32{}
	for i, c := range g.computers {
		comps[string(c)] = int32(i)
	}
	out := make([]specialEvent, len(g.Weave))
	for i, e := range g.Weave {
		out[i] = specialEvent{t: e.Time, user: users[e.User], src: comps[e.SrcComputer],
			dst: comps[e.DstComputer], success: true, ntlm: g.r.IntN(2) == 0}
	}
	return out
}

func (g *generator) writeRedTeam(w io.Writer, special []specialEvent) error {
	bw := bufio.NewWriter(w)
	var b []byte
	for _, e := range special {
		b = strconv.AppendInt(b[:0], e.t, 10)
		b = append(b, ',')
		b = append(b, g.users[e.user].name...)
		b = append(b, ',')
		b = append(b, g.computers[e.src]...)
		b = append(b, ',')
		b = append(b, g.computers[e.dst]...)
		b = append(b, '\n')
		bw.Write(b)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("lanl: writing red-team lines: %w", err)
	}
	return nil
}

// background writes the auth lines second by second, merging the special
// events in at their times.
func (g *generator) background(ctx context.Context, special []specialEvent) error {
	var perSecond [numClasses]float64
	for c := range numClasses {
		var sum float64
		for h := range g.Days * 24 {
			sum += rhythm(c, h%168) * 3600
		}
		perSecond[c] = classShare[c] * float64(g.Lines) / sum
	}
	var prog *progress.Reporter
	if g.Progress != nil {
		prog = progress.New("synth", g.Lines, "lines")
		prog.W = g.Progress
	}
	end := int64(g.Days) * secondsPerDay
	for hourStart := int64(0); hourStart < end; hourStart += 3600 {
		if err := ctx.Err(); err != nil {
			return err
		}
		var lambda [numClasses]float64
		for c := range numClasses {
			lambda[c] = perSecond[c] * rhythm(c, int(hourStart/3600)%168)
		}
		before := g.lines
		for t := max(hourStart, 1); t < hourStart+3600; t++ {
			for len(special) > 0 && special[0].t <= t {
				g.writeSpecial(special[0])
				special = special[1:]
			}
			day := int32(t / secondsPerDay)
			for c := range numClasses {
				for range g.poisson(lambda[c]) {
					g.writeEvent(c, t, day)
				}
			}
		}
		if prog != nil {
			prog.Add(g.lines - before)
		}
	}
	for _, e := range special {
		g.writeSpecial(e)
	}
	if prog != nil {
		prog.Done()
	}
	return nil
}

// poisson draws a Poisson count: Knuth's product method for small means,
// a rounded normal for large ones.
func (g *generator) poisson(lambda float64) int {
	if lambda > 200 {
		return max(0, int(math.Round(lambda+math.Sqrt(lambda)*g.r.NormFloat64())))
	}
	l, p, k := math.Exp(-lambda), 1.0, 0
	for {
		p *= g.r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

var (
	authKinds   = [][]byte{[]byte("Kerberos"), []byte("NTLM"), []byte("Negotiate"), []byte("?")}
	logonKinds  = [][]byte{[]byte("Network"), []byte("Interactive"), []byte("Unlock"), []byte("Service"), []byte("Batch"), []byte("?")}
	orientation = [][]byte{[]byte("LogOn"), []byte("LogOff"), []byte("TGS"), []byte("TGT"), []byte("AuthMap")}
	outcomes    = [2][]byte{[]byte("Fail"), []byte("Success")}
	// logOnAuth and logOnKind weight the fields of LogOn lines: mostly
	// Kerberos, mostly Network.
	logOnAuth = [...]uint8{0, 0, 0, 1, 2, 2}
	logOnKind = [...]uint8{0, 0, 0, 0, 0, 0, 1, 2, 3, 4}
)

// writeEvent writes one background event of an account of the class.
func (g *generator) writeEvent(class int, t int64, day int32) {
	r := g.r
	var ui int32
	for range 8 {
		ui = g.classIDs[class][g.byClass[class].draw(r)]
		if g.users[ui].firstDay <= day {
			break
		}
	}
	u := &g.users[ui]
	home := u.home
	if day >= u.migrateDay {
		home = u.newHome
	}
	src := home
	if class != classMachine && r.Float64() < 0.08 {
		src = u.second
	}
	var dst int32
	if r.Float64() < u.explore {
		dst = int32(g.popular.Uint64())
	} else {
		dst = g.personalDst(u)
		if dst == u.home {
			dst = src
		}
	}
	o := r.IntN(100)
	var auth, logon, orient []byte
	switch {
	case o < 45:
		orient = orientation[0]
		auth = authKinds[logOnAuth[r.IntN(len(logOnAuth))]]
		logon = logonKinds[logOnKind[r.IntN(len(logOnKind))]]
	case o < 80:
		orient, auth, logon = orientation[1], authKinds[3], logonKinds[0]
	case o < 92:
		orient, auth, logon = orientation[2], authKinds[0], logonKinds[5]
	case o < 97:
		orient, auth, logon = orientation[3], authKinds[0], logonKinds[5]
	default:
		orient, auth, logon = orientation[4], authKinds[2], logonKinds[5]
	}
	ok := r.Float64() >= u.fails
	g.writeLine(t, u.name, src, dst, auth, logon, orient, ok)
}

func (g *generator) writeSpecial(e specialEvent) {
	auth := authKinds[0]
	if e.ntlm {
		auth = authKinds[1]
	}
	g.writeLine(e.t, g.users[e.user].name, e.src, e.dst, auth, logonKinds[0], orientation[0], e.success)
}

func (g *generator) writeLine(t int64, user []byte, src, dst int32, auth, logon, orient []byte, ok bool) {
	b := strconv.AppendInt(g.line[:0], t, 10)
	b = append(b, ',')
	b = append(b, user...)
	b = append(b, ',')
	b = append(b, user...)
	b = append(b, ',')
	b = append(b, g.computers[src]...)
	b = append(b, ',')
	b = append(b, g.computers[dst]...)
	b = append(b, ',')
	b = append(b, auth...)
	b = append(b, ',')
	b = append(b, logon...)
	b = append(b, ',')
	b = append(b, orient...)
	b = append(b, ',')
	if ok {
		b = append(b, outcomes[1]...)
	} else {
		b = append(b, outcomes[0]...)
	}
	b = append(b, '\n')
	g.line = b
	g.w.Write(b)
	g.lines++
}
