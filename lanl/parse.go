package lanl

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// Reason says why a line was rejected.
type Reason uint8

// The reasons a line can be malformed.
const (
	ReasonNone          Reason = iota
	ReasonFieldCount           // not 9 (auth) or 4 (red team) comma-separated fields
	ReasonTime                 // time empty, not a non-negative integer, or too large
	ReasonTimeBackwards        // time smaller than the previous line's
	ReasonNoDomain             // a user without "@domain" (or with an empty name or domain)
	ReasonEmptyField           // a computer or categorical field is empty
	ReasonOutcome              // success/failure is neither "Success" nor "Fail"
	ReasonTooLong              // longer than MaxLineBytes
	ReasonTruncated            // the last line of a truncated gzip stream
	numReasons
)

var reasonText = [numReasons]string{
	ReasonNone:          "ok",
	ReasonFieldCount:    "wrong number of fields",
	ReasonTime:          "time is not a non-negative integer",
	ReasonTimeBackwards: "time goes backwards",
	ReasonNoDomain:      "user without @domain",
	ReasonEmptyField:    "empty field",
	ReasonOutcome:       "success/failure is neither Success nor Fail",
	ReasonTooLong:       "line too long",
	ReasonTruncated:     "line cut off by truncated input",
}

func (r Reason) String() string {
	if r < numReasons {
		return reasonText[r]
	}
	return "unknown reason"
}

// maxTime bounds parsed times well inside int64 (about 3 billion years of
// seconds), so later arithmetic on times cannot overflow.
const maxTime = 1 << 56

// parseTime parses a non-negative decimal integer.
func parseTime(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 17 {
		return 0, false
	}
	var t int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		t = t*10 + int64(c-'0')
	}
	return t, t < maxTime
}

// validUser checks "name@domain" with both parts non-empty.
func validUser(b []byte) bool {
	at := bytes.IndexByte(b, '@')
	return at > 0 && at < len(b)-1
}

// splitFields cuts line at commas into dst and reports whether there were
// exactly len(dst) fields. It finds commas eight bytes at a time (SWAR): a
// byte equal to ',' becomes zero after XOR with ",,,,,,,,", and the exact
// zero-byte test sets the high bit of exactly those bytes.
func splitFields(line []byte, dst [][]byte) bool {
	const (
		commas = 0x2C2C2C2C2C2C2C2C
		low7   = 0x7F7F7F7F7F7F7F7F
	)
	n, start, i := 0, 0, 0
	for ; i+8 <= len(line); i += 8 {
		v := binary.LittleEndian.Uint64(line[i:]) ^ commas
		m := ^((v&low7 + low7) | v | low7)
		for m != 0 {
			j := i + bits.TrailingZeros64(m)>>3
			m &= m - 1
			if n == len(dst)-1 {
				return false
			}
			dst[n] = line[start:j]
			n++
			start = j + 1
		}
	}
	for ; i < len(line); i++ {
		if line[i] == ',' {
			if n == len(dst)-1 {
				return false
			}
			dst[n] = line[start:i]
			n++
			start = i + 1
		}
	}
	if n != len(dst)-1 {
		return false
	}
	dst[n] = line[start:]
	return true
}

// parseAuth parses one auth.txt line (without its newline) into e,
// interning names in d. Nothing is interned unless the whole line is valid.
func parseAuth(line []byte, d *Dictionary, e *Event) Reason {
	var f [9][]byte
	if !splitFields(line, f[:]) {
		return ReasonFieldCount
	}
	t, ok := parseTime(f[0])
	if !ok {
		return ReasonTime
	}
	if !validUser(f[1]) || !validUser(f[2]) {
		return ReasonNoDomain
	}
	for _, x := range f[3:8] {
		if len(x) == 0 {
			return ReasonEmptyField
		}
	}
	switch string(f[8]) {
	case "Success":
		e.Success = true
	case "Fail":
		e.Success = false
	default:
		return ReasonOutcome
	}
	e.Time = t
	e.SrcUser = d.Users.ID(f[1])
	// Most lines repeat a name in the next field (the same user on both
	// sides, a logon to the local computer): compare before hashing again.
	if bytes.Equal(f[2], f[1]) {
		e.DstUser = e.SrcUser
	} else {
		e.DstUser = d.Users.ID(f[2])
	}
	e.SrcComputer = d.Computers.ID(f[3])
	if bytes.Equal(f[4], f[3]) {
		e.DstComputer = e.SrcComputer
	} else {
		e.DstComputer = d.Computers.ID(f[4])
	}
	e.AuthType = d.AuthTypes.ID(f[5])
	e.LogonType = d.LogonTypes.ID(f[6])
	e.Orientation = d.Orientations.ID(f[7])
	return ReasonNone
}

// parseRedTeam parses one redteam.txt line into e.
func parseRedTeam(line []byte, d *Dictionary, e *RedTeamEvent) Reason {
	var f [4][]byte
	if !splitFields(line, f[:]) {
		return ReasonFieldCount
	}
	t, ok := parseTime(f[0])
	if !ok {
		return ReasonTime
	}
	if !validUser(f[1]) {
		return ReasonNoDomain
	}
	if len(f[2]) == 0 || len(f[3]) == 0 {
		return ReasonEmptyField
	}
	e.Time = t
	e.User = d.Users.ID(f[1])
	e.SrcComputer = d.Computers.ID(f[2])
	e.DstComputer = d.Computers.ID(f[3])
	return ReasonNone
}
