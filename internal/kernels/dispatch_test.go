package kernels

import "testing"

func TestChoosePath(t *testing.T) {
	best := Supported()[0]
	cases := []struct {
		env  string
		want Path
	}{
		{"", best},
		{"generic", Generic},
		{" Generic\n", Generic},
		{"sse9", best},
	}
	for _, p := range Supported() {
		cases = append(cases, struct {
			env  string
			want Path
		}{string(p), p})
	}
	for _, c := range cases {
		if got := choosePath(c.env); got != c.want {
			t.Errorf("choosePath(%q) = %q, want %q", c.env, got, c.want)
		}
	}
	if s := Supported(); s[len(s)-1] != Generic {
		t.Errorf("Supported() = %v, want Generic last", s)
	}
}
