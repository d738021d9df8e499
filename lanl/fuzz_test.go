package lanl

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzParseAuth checks that no line panics the auth parser, that a line is
// either accepted or given a reason, and that accepted lines round-trip.
func FuzzParseAuth(f *testing.F) {
	for _, l := range strings.Split(goodLines, "\n") {
		f.Add([]byte(l))
	}
	f.Add([]byte("1,U1,U1@D,C1,C2,NTLM,Network,LogOn,Success"))
	f.Add([]byte("1,,,,,,,,"))
	f.Add([]byte("18446744073709551616,U@D,U@D,C,C,a,b,c,Fail"))
	f.Fuzz(func(t *testing.T, line []byte) {
		d := NewDictionary()
		var e Event
		why := parseAuth(line, d, &e)
		if why == ReasonNone {
			back := string(d.AppendAuth(nil, e))
			if !sameLine(back, string(line)) {
				t.Fatalf("accepted %q, formats back as %q", line, back)
			}
		} else if why >= numReasons || d.Users.Len()+d.Computers.Len() != 0 {
			t.Fatalf("rejected %q with %v after interning names", line, why)
		}
	})
}

// FuzzParseRedTeam does the same for red-team lines.
func FuzzParseRedTeam(f *testing.F) {
	f.Add([]byte("150885,U620@DOM1,C17693,C1003"))
	f.Add([]byte("150885,U620,C17693,C1003"))
	f.Add([]byte("x,U@D,,"))
	f.Fuzz(func(t *testing.T, line []byte) {
		d := NewDictionary()
		var e RedTeamEvent
		if why := parseRedTeam(line, d, &e); why == ReasonNone {
			back := string(d.AppendRedTeam(nil, e))
			if !sameLine(back, string(line)) {
				t.Fatalf("accepted %q, formats back as %q", line, back)
			}
		}
	})
}

// sameLine compares a formatted line with the parsed one: the same fields,
// the time up to leading zeros.
func sameLine(formatted, parsed string) bool {
	ft, frest, _ := strings.Cut(strings.TrimSuffix(formatted, "\n"), ",")
	pt, prest, _ := strings.Cut(parsed, ",")
	return frest == prest && (ft == strings.TrimLeft(pt, "0") || ft == "0" && strings.Trim(pt, "0") == "")
}

// FuzzAuthReader feeds arbitrary bytes (plain or gzip-looking) through the
// whole reader: no panic, and every line is either an event or counted.
func FuzzAuthReader(f *testing.F) {
	f.Add([]byte(goodLines))
	f.Add(gzipBytes(f, goodLines))
	f.Add(gzipBytes(f, goodLines)[:30])
	f.Add([]byte("5,U1@D,U1@D,C1,C1,?,?,LogOff,Success\n4,U1@D,U1@D,C1,C1,?,?,LogOff,Success"))
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := NewInput(bytes.NewReader(data))
		if err != nil {
			return
		}
		r := NewAuthReader(in, NewDictionary(), ReadOptions{})
		var n int64
		for r.Next() {
			n++
		}
		rep := r.Report()
		if rep.Events != n || rep.Events+rep.Malformed != rep.Lines {
			t.Fatalf("%d events delivered, report %v", n, rep)
		}
	})
}
