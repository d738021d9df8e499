package lanl_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/mlprep/mlprep/lanl"
)

// Reading auth lines: names become IDs, bad lines are counted with their
// line numbers and the read goes on.
func ExampleAuthReader() {
	text := `1,C625$@DOM1,U147@DOM1,C625,C625,Negotiate,Batch,LogOn,Success
1,U66@DOM1,U66@DOM1,C586,C586,?,Network,LogOff,Success
2,U66,U66@DOM1,C586,C1065,Kerberos,Network,LogOn,Success
3,U66@DOM1,U66@DOM1,C586,C1065,Kerberos,Network,LogOn,Fail
`
	d := lanl.NewDictionary()
	r := lanl.NewAuthReader(strings.NewReader(text), d, lanl.ReadOptions{})
	for r.Next() {
		e := r.Event()
		fmt.Println(e.Time, d.Users.Name(e.SrcUser), "→", d.Computers.Name(e.DstComputer), e.Success)
	}
	fmt.Println(r.Report())
	fmt.Println(r.Report().Examples[0])
	// Output:
	// 1 C625$@DOM1 → C625 true
	// 1 U66@DOM1 → C586 true
	// 3 U66@DOM1 → C1065 false
	// 4 lines, 3 events, 1 malformed; user without @domain: 1
	// line 3: user without @domain: "2,U66,U66@DOM1,C586,C1065,Kerberos,Network,LogOn,Success"
}

// The whole pipeline on a generated week with two loud campaigns: the top
// alerts are the red team's user-days, each with its reasons.
func ExampleAnalyze() {
	ctx := context.Background()
	var auth, red strings.Builder
	s := lanl.Synth{Seed: 2, Lines: 200_000, Users: 300, Computers: 360, Days: 7, TrainDays: 3, Campaigns: 2}
	if _, err := s.Generate(ctx, &auth, &red); err != nil {
		panic(err)
	}
	d := lanl.NewDictionary()
	rt, _, _ := lanl.ReadRedTeam(strings.NewReader(red.String()), d, lanl.ReadOptions{})
	an, err := lanl.Analyze(ctx, lanl.NewAuthReader(strings.NewReader(auth.String()), d, lanl.ReadOptions{}), lanl.Config{TrainDays: 3})
	if err != nil {
		panic(err)
	}
	score, _ := lanl.Score(ctx, an.Incidents, lanl.VariantFusion, 1)
	labels, _ := lanl.Labels(an.Incidents, rt, 0)
	ev, _ := lanl.Evaluate(lanl.VariantFusion, labels, score)
	fmt.Printf("%d incidents, %d red-team user-days, ROC AUC %.3f\n", ev.Incidents, ev.Positives, ev.ROCAUC)
	for _, a := range lanl.Alerts(an.Incidents, score, 2) {
		fmt.Printf("#%d %s day %d: %s\n", a.Rank, d.Users.Name(a.User), a.Window, a.Reasons[0])
	}
	// Output:
	// 2546 incidents, 2 red-team user-days, ROC AUC 1.000
	// #1 U205@DOM1 day 4: novelty 176.1 nats over new computers (top 0.039%)
	// #2 U218@DOM1 day 6: logged on from 3 new source computers (top 0.039%)
}
