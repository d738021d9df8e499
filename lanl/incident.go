package lanl

// Incident is one user's activity in one window of the scoring period: the
// unit the pipeline ranks and evaluates (a user-day with the default
// window). Counts are per window; "new" means never seen before in the
// whole stream up to that event.
type Incident struct {
	User   uint32 // index into Dictionary.Users
	Window int64  // window number: times in [Window·w, (Window+1)·w)

	Events   int32 // events with the user as source user
	Failures int32 // of which failed
	// Destinations is the user's out-degree in the window's user→computer
	// graph: distinct computers authenticated to.
	Destinations int32
	// NewDestinations counts computers the user authenticated to for the
	// first time, NewSources computers it authenticated from for the first
	// time, NewEdges computer→computer edges no one used before.
	NewDestinations, NewSources, NewEdges int32
	// Burst is the most new destinations reached within one burst period
	// (Config.Burst): fan-out.
	Burst int32
	// SourceFanIn looks at the source computers the user logged on from in
	// the window and only started to use after the training period; it is
	// the largest number of users that started using one of them as a
	// source after the training period (up to the window's end). A computer
	// that suddenly serves many credentials is where stolen credentials are
	// being used from.
	SourceFanIn int32
	// Chain is the longest path of the user's new edges in the window
	// (A→B then B→C is 2): lateral movement hop by hop.
	Chain int32

	// MaxScore is the largest event score, −log P(d|u)·P(h|u).
	MaxScore float64
	// Novelty sums the rarity −log P(d|u) of the events to new
	// destinations: many new computers, each unlikely for this user.
	Novelty float64
	// MaxHourSurprise is the largest −log P(hour | user).
	MaxHourSurprise float64
	// PageRank is the largest PageRank, in the window's computer graph, of
	// a new destination, times the number of computers in the graph (1 is
	// an average computer): reaching central machines.
	PageRank float64
}

// FeatureNames names the columns of Incident.Features, in order.
var FeatureNames = []string{
	"events", "failures", "destinations", "new_destinations", "new_sources",
	"new_edges", "burst", "source_fan_in", "chain", "max_score", "novelty", "max_hour_surprise", "pagerank",
}

// Features returns the incident's numbers in FeatureNames order.
func (in *Incident) Features() []float64 {
	return []float64{
		float64(in.Events), float64(in.Failures), float64(in.Destinations), float64(in.NewDestinations),
		float64(in.NewSources), float64(in.NewEdges), float64(in.Burst), float64(in.SourceFanIn), float64(in.Chain),
		in.MaxScore, in.Novelty, in.MaxHourSurprise, in.PageRank,
	}
}
