package cloud

// Tensor data is mostly short decimals ("0.8414", "-1.5e-3"). strconv reads
// each of them through its general algorithm; fastFloat32 takes Clinger's
// exact path first: a decimal m·10^e with m < 2^24 and |e| ≤ 10 has both
// factors exactly representable in float32, so one IEEE multiplication or
// division, correctly rounded, gives the correctly rounded value — the same
// bits strconv.ParseFloat(s, 32) returns (checked by FuzzFastFloat32).

var pow10f32 = [...]float32{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10}

// fastFloat32 converts a JSON number with at most 7 significant digits and
// a decimal exponent within ±10; ok is false for anything else.
func fastFloat32(num []byte) (v float32, ok bool) {
	i, neg := 0, false
	if len(num) > 0 && num[0] == '-' {
		i, neg = 1, true
	}
	var mant uint32
	digits, exp, afterDot := 0, 0, false
	for ; i < len(num); i++ {
		c := num[i]
		switch {
		case c >= '0' && c <= '9':
			if mant == 0 && c == '0' {
				if afterDot {
					exp--
				}
				continue
			}
			if digits == 7 {
				return 0, false
			}
			mant, digits = mant*10+uint32(c-'0'), digits+1
			if afterDot {
				exp--
			}
		case c == '.':
			afterDot = true
		default: // 'e' or 'E': the scanner has checked the grammar
			e, ok := smallExponent(num[i+1:])
			if !ok {
				return 0, false
			}
			exp += e
			i = len(num)
		}
	}
	if mant == 0 {
		v = 0
	} else if exp < -10 || exp > 10 {
		return 0, false
	} else if v = float32(mant); exp < 0 {
		v /= pow10f32[-exp]
	} else {
		v *= pow10f32[exp]
	}
	if neg {
		v = -v
	}
	return v, true
}

// smallExponent reads an exponent of at most three digits.
func smallExponent(b []byte) (int, bool) {
	sign := 1
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		if b[0] == '-' {
			sign = -1
		}
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 3 {
		return 0, false
	}
	e := 0
	for _, c := range b {
		e = e*10 + int(c-'0')
	}
	return sign * e, true
}
