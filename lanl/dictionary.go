package lanl

import "strings"

// Interner maps names (users, computers, categorical values) to compact
// integer IDs 0, 1, 2, … in order of first appearance. Looking up a name
// that is already known allocates nothing, so a reader that interns every
// field of every line allocates only when it meets a new name. The zero
// value is ready to use. An Interner is not safe for concurrent mutation.
type Interner struct {
	ids   map[string]uint32
	names []string
}

// smallVocabulary is the size up to which ID scans the names instead of
// hashing: the categorical fields have about ten values, and comparing a
// few short strings is faster than a map lookup.
const smallVocabulary = 16

// ID returns the ID of name, assigning the next free one if name is new.
func (in *Interner) ID(name []byte) uint32 {
	if len(in.names) <= smallVocabulary {
		for i, s := range in.names {
			if s == string(name) {
				return uint32(i)
			}
		}
		return in.add(string(name))
	}
	if id, ok := in.ids[string(name)]; ok {
		return id
	}
	return in.add(string(name))
}

// IDString is ID for a string.
func (in *Interner) IDString(name string) uint32 {
	if id, ok := in.ids[name]; ok {
		return id
	}
	return in.add(name)
}

func (in *Interner) add(s string) uint32 {
	if in.ids == nil {
		in.ids = make(map[string]uint32)
	}
	id := uint32(len(in.names))
	in.ids[s] = id
	in.names = append(in.names, s)
	return id
}

// Lookup returns the ID of name without adding it.
func (in *Interner) Lookup(name string) (uint32, bool) {
	id, ok := in.ids[name]
	return id, ok
}

// Name returns the name of id; it panics if id was never assigned.
func (in *Interner) Name(id uint32) string { return in.names[id] }

// Len is the number of distinct names seen.
func (in *Interner) Len() int { return len(in.names) }

// Dictionary holds the interners of one data set. Readers of the auth and
// red-team files of the same data set must share a Dictionary so that a
// user or computer has the same ID in both.
type Dictionary struct {
	// Users holds "user@domain" names, machine accounts ("C625$@DOM1")
	// included: the domain is part of the identity.
	Users Interner
	// Computers holds computer names ("C625", and "?" when unknown).
	Computers Interner
	// AuthTypes, LogonTypes and Orientations hold the categorical fields
	// ("Kerberos", "Network", "LogOn", …).
	AuthTypes, LogonTypes, Orientations Interner
}

// NewDictionary returns an empty dictionary.
func NewDictionary() *Dictionary { return &Dictionary{} }

// IsMachineAccount reports whether a "user@domain" name is a computer's
// own account: the part before "@" ends in "$".
func IsMachineAccount(user string) bool {
	name, _, _ := strings.Cut(user, "@")
	return strings.HasSuffix(name, "$")
}
