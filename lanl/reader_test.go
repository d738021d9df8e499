package lanl

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
)

const goodLines = `1,C625$@DOM1,U147@DOM1,C625,C625,Negotiate,Batch,LogOn,Success
1,U66@DOM1,U66@DOM1,C586,C586,?,Network,LogOff,Success
2,ANONYMOUS LOGON@C586,ANONYMOUS LOGON@C586,C1250,C586,NTLM,Network,LogOn,Success
2,U66@DOM1,U66@DOM1,C586,C1065,Kerberos,Network,LogOn,Fail
`

func readAll(t *testing.T, text string, o ReadOptions) ([]Event, Report, error, *Dictionary) {
	t.Helper()
	d := NewDictionary()
	in, err := NewInput(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	r := NewAuthReader(in, d, o)
	var evs []Event
	for r.Next() {
		evs = append(evs, r.Event())
	}
	return evs, r.Report(), r.Err(), d
}

func TestAuthReaderParsesFields(t *testing.T) {
	evs, rep, err, d := readAll(t, goodLines, ReadOptions{})
	if err != nil || rep.Malformed != 0 || len(evs) != 4 {
		t.Fatalf("err %v, report %v, %d events", err, rep, len(evs))
	}
	e := evs[0]
	if d.Users.Name(e.SrcUser) != "C625$@DOM1" || d.Users.Name(e.DstUser) != "U147@DOM1" ||
		d.Computers.Name(e.SrcComputer) != "C625" || e.SrcComputer != e.DstComputer ||
		d.AuthTypes.Name(e.AuthType) != "Negotiate" || d.LogonTypes.Name(e.LogonType) != "Batch" ||
		d.Orientations.Name(e.Orientation) != "LogOn" || !e.Success || e.Time != 1 {
		t.Errorf("first event decoded as %+v", e)
	}
	if evs[3].Success || evs[3].SrcUser != evs[1].SrcUser || d.Computers.Name(evs[3].DstComputer) != "C1065" {
		t.Errorf("last event decoded as %+v", evs[3])
	}
	if d.Users.Len() != 4 || d.Computers.Len() != 4 {
		t.Errorf("%d users, %d computers; want 4 and 4", d.Users.Len(), d.Computers.Len())
	}
	if !IsMachineAccount("C625$@DOM1") || IsMachineAccount("U66@DOM1") {
		t.Error("IsMachineAccount")
	}
}

func TestAuthReaderBadInput(t *testing.T) {
	cases := []struct {
		name, line string
		why        Reason
	}{
		{"missing field", "3,U1@D,U1@D,C1,C2,NTLM,Network,Success", ReasonFieldCount},
		{"extra field", "3,U1@D,U1@D,C1,C2,NTLM,Network,LogOn,Success,x", ReasonFieldCount},
		{"empty line", "", ReasonFieldCount},
		{"non-numeric time", "3s,U1@D,U1@D,C1,C2,NTLM,Network,LogOn,Success", ReasonTime},
		{"negative time", "-3,U1@D,U1@D,C1,C2,NTLM,Network,LogOn,Success", ReasonTime},
		{"huge time", "99999999999999999999,U1@D,U1@D,C1,C2,NTLM,Network,LogOn,Success", ReasonTime},
		{"decreasing time", "1,U1@D,U1@D,C1,C2,NTLM,Network,LogOn,Success", ReasonTimeBackwards},
		{"no domain", "3,U1,U1@D,C1,C2,NTLM,Network,LogOn,Success", ReasonNoDomain},
		{"empty domain", "3,U1@D,U1@,C1,C2,NTLM,Network,LogOn,Success", ReasonNoDomain},
		{"empty computer", "3,U1@D,U1@D,,C2,NTLM,Network,LogOn,Success", ReasonEmptyField},
		{"bad outcome", "3,U1@D,U1@D,C1,C2,NTLM,Network,LogOn,Maybe", ReasonOutcome},
		{"too long", "3,U1@D,U1@D,C1,C2,NTLM,Network,LogOn," + strings.Repeat("x", MaxLineBytes+10), ReasonTooLong},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			text := "2,U1@D,U1@D,C1,C1,?,?,LogOff,Success\n" + c.line + "\n4,U1@D,U1@D,C1,C1,?,?,LogOff,Success\n"
			evs, rep, err, _ := readAll(t, text, ReadOptions{})
			if err != nil || len(evs) != 2 || rep.Malformed != 1 || rep.ByReason[c.why] != 1 {
				t.Fatalf("err %v, %d events, report %v; want 2 events and one %q", err, len(evs), rep, c.why)
			}
			if m := rep.Examples[0]; m.Line != 2 || m.Reason != c.why {
				t.Errorf("example %v, want line 2", m)
			}
			_, _, err, _ = readAll(t, text, ReadOptions{Strict: true})
			if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "line 2") {
				t.Errorf("strict: err %v, want ErrMalformed at line 2", err)
			}
		})
	}
}

func TestAuthReaderLimits(t *testing.T) {
	text := goodLines + "x\ny\nz\n"
	_, rep, err, _ := readAll(t, text, ReadOptions{MaxMalformed: 2})
	if !errors.Is(err, ErrTooManyMalformed) || rep.Malformed != 3 {
		t.Errorf("err %v, report %v; want ErrTooManyMalformed after 3", err, rep)
	}
	evs, _, err, _ := readAll(t, text, ReadOptions{Limit: 2})
	if err != nil || len(evs) != 2 {
		t.Errorf("Limit 2: err %v, %d events", err, len(evs))
	}
	_, rep, _, _ = readAll(t, text, ReadOptions{Examples: -1})
	if len(rep.Examples) != 0 || rep.Malformed != 3 {
		t.Errorf("Examples -1 kept %d examples", len(rep.Examples))
	}
}

func TestAuthReaderEmptyAndUnterminated(t *testing.T) {
	evs, rep, err, _ := readAll(t, "", ReadOptions{})
	if err != nil || len(evs) != 0 || rep.Lines != 0 {
		t.Errorf("empty: %v %d %v", err, len(evs), rep)
	}
	evs, rep, err, _ = readAll(t, strings.TrimSuffix(goodLines, "\n"), ReadOptions{})
	if err != nil || len(evs) != 4 || rep.Lines != 4 {
		t.Errorf("no final newline: %v %d %v", err, len(evs), rep)
	}
	evs, _, err, _ = readAll(t, strings.ReplaceAll(goodLines, "\n", "\r\n"), ReadOptions{})
	if err != nil || len(evs) != 4 {
		t.Errorf("CRLF: %v %d", err, len(evs))
	}
}

func gzipBytes(t testing.TB, text string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	io.WriteString(zw, text)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestAuthReaderGzipAndTruncation(t *testing.T) {
	var lines strings.Builder
	for i := range 20000 {
		lines.WriteString(strconv.Itoa(i) + ",U1@DOM1,U1@DOM1,C1,C" + strconv.Itoa(i%50) + ",NTLM,Network,LogOn,Success\n")
	}
	z := gzipBytes(t, lines.String())
	read := func(b []byte, o ReadOptions) (int, Report, error) {
		in, err := NewInput(bytes.NewReader(b))
		if err != nil {
			return 0, Report{}, err
		}
		r := NewAuthReader(in, NewDictionary(), o)
		n := 0
		for r.Next() {
			n++
		}
		return n, r.Report(), r.Err()
	}
	n, rep, err := read(z, ReadOptions{})
	if err != nil || n != 20000 || rep.Truncated {
		t.Fatalf("whole gzip: %d events, %v, %v", n, rep, err)
	}
	cut := z[:len(z)*2/3]
	n, rep, err = read(cut, ReadOptions{})
	if err != nil || !rep.Truncated || n == 0 || n >= 20000 {
		t.Errorf("truncated gzip: %d events, report %v, err %v; want some events and Truncated", n, rep, err)
	}
	_, _, err = read(cut, ReadOptions{Strict: true})
	if !errors.Is(err, ErrTruncated) {
		t.Errorf("strict truncated gzip: err %v, want ErrTruncated", err)
	}
	if _, err := NewInput(bytes.NewReader(z[:5])); err == nil {
		t.Error("a cut gzip header opened without error")
	}
}

func TestReadRedTeam(t *testing.T) {
	d := NewDictionary()
	text := "150885,U620@DOM1,C17693,C1003\n151036,U748@DOM1,C17693,C305\nbad\n151648,U748,C17693,C728\n"
	evs, rep, err := ReadRedTeam(strings.NewReader(text), d, ReadOptions{})
	if err != nil || len(evs) != 2 || rep.Malformed != 2 || rep.ByReason[ReasonNoDomain] != 1 {
		t.Fatalf("err %v, %d events, %v", err, len(evs), rep)
	}
	if d.Named(evs[1]) != (NamedRedTeamEvent{151036, "U748@DOM1", "C17693", "C305"}) {
		t.Errorf("decoded %+v", d.Named(evs[1]))
	}
}

// TestAuthReaderSteadyStateAllocates checks the zero-allocation claim: once
// every name is interned, a pass over 50,000 lines allocates only the
// reader itself (its struct and line buffer), nothing per line.
func TestAuthReaderSteadyStateAllocates(t *testing.T) {
	var buf bytes.Buffer
	if _, err := (Synth{Seed: 3, Lines: 50_000, Users: 300, Computers: 400, Days: 2}).Generate(context.Background(), &buf, io.Discard); err != nil {
		t.Fatal(err)
	}
	d := NewDictionary()
	pass := func() {
		r := NewAuthReader(bytes.NewReader(buf.Bytes()), d, ReadOptions{})
		for r.Next() {
		}
	}
	pass()
	if allocs := testing.AllocsPerRun(3, pass); allocs > 8 {
		t.Errorf("%v allocations per pass over %d lines, want a handful (none per line)", allocs, bytes.Count(buf.Bytes(), []byte{'\n'}))
	}
}

func TestInternerMatchesMap(t *testing.T) {
	var in Interner
	want := map[string]uint32{}
	names := []string{"", "a", "U1@DOM1", "exactly16bytes!!", "seventeen bytes!!", "ANONYMOUS LOGON@C586", "C1", "C1\x00",
		"C01", "C0", "C1$", "C1$@DOM1", "C1@DOM1", "U1@DOM2", "U1048576", "U1048575", "C12345678@D", "Z9", "c9", "C9@DOMAIN12"}
	for i := range 5000 {
		names = append(names, "C"+strconv.Itoa(i), "U"+strconv.Itoa(i*7)+"@DOM1", strings.Repeat("x", i%40))
	}
	for round := range 2 {
		for _, n := range names {
			id := in.IDString(n)
			w, ok := want[n]
			if !ok {
				w = uint32(len(want))
				want[n] = w
			}
			if id != w || in.Name(id) != n {
				t.Fatalf("round %d: %q → %d (%q), want %d", round, n, id, in.Name(id), w)
			}
			if got, ok := in.Lookup(n); !ok || got != w {
				t.Fatalf("Lookup(%q) = %d, %v", n, got, ok)
			}
		}
	}
	if in.Len() != len(want) {
		t.Errorf("Len %d, want %d", in.Len(), len(want))
	}
	if _, ok := in.Lookup("never"); ok {
		t.Error("Lookup found an unknown name")
	}
}
