package lanl

import "strconv"

// Event is one line of auth.txt with its names interned in a Dictionary:
//
//	time,source user@domain,destination user@domain,source computer,destination computer,authentication type,logon type,authentication orientation,success/failure
type Event struct {
	// Time is in seconds from the start of the data set (the first line of
	// the real file has time 1).
	Time int64
	// SrcUser and DstUser index Dictionary.Users.
	SrcUser, DstUser uint32
	// SrcComputer and DstComputer index Dictionary.Computers.
	SrcComputer, DstComputer uint32
	// AuthType, LogonType and Orientation index the Dictionary's
	// categorical interners.
	AuthType, LogonType, Orientation uint32
	// Success is false for "Fail".
	Success bool
}

// RedTeamEvent is one line of redteam.txt, a known compromise event:
//
//	time,user@domain,source computer,destination computer
type RedTeamEvent struct {
	Time                     int64
	User                     uint32
	SrcComputer, DstComputer uint32
}

// AppendAuth appends e as an auth.txt line, newline included: the inverse
// of AuthReader for a Dictionary that interned e's names.
func (d *Dictionary) AppendAuth(b []byte, e Event) []byte {
	b = strconv.AppendInt(b, e.Time, 10)
	for _, s := range [...]string{d.Users.Name(e.SrcUser), d.Users.Name(e.DstUser),
		d.Computers.Name(e.SrcComputer), d.Computers.Name(e.DstComputer),
		d.AuthTypes.Name(e.AuthType), d.LogonTypes.Name(e.LogonType), d.Orientations.Name(e.Orientation)} {
		b = append(b, ',')
		b = append(b, s...)
	}
	if e.Success {
		return append(b, ",Success\n"...)
	}
	return append(b, ",Fail\n"...)
}

// AppendRedTeam appends e as a redteam.txt line, newline included.
func (d *Dictionary) AppendRedTeam(b []byte, e RedTeamEvent) []byte {
	b = strconv.AppendInt(b, e.Time, 10)
	for _, s := range [...]string{d.Users.Name(e.User), d.Computers.Name(e.SrcComputer), d.Computers.Name(e.DstComputer)} {
		b = append(b, ',')
		b = append(b, s...)
	}
	return append(b, '\n')
}
