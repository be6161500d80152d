package fit

import "fmt"

// Pool joins several subjects into one pseudo-subject for a pooled fit
// (one parameter set for all): each subject keeps its own partners
// (renamed "subject/partner"), so no belief carries over from one subject
// to another. Use it when subjects make too few choices to be fitted one
// by one (berg1995: one decision each).
func Pool(id, group string, seqs []*Sequence) (*Sequence, error) {
	if len(seqs) == 0 {
		return nil, fmt.Errorf("pool %q: no subjects", id)
	}
	out := &Sequence{ID: id, Group: group, Belief: seqs[0].Belief, AfterTrust: seqs[0].AfterTrust, Trustee: seqs[0].Trustee}
	for _, s := range seqs {
		if s.Trustee != out.Trustee {
			return nil, fmt.Errorf("pool %q: subjects %q and %q are not both trustors or both trustees", id, seqs[0].ID, s.ID)
		}
		if s.Belief != out.Belief {
			return nil, fmt.Errorf("pool %q: subjects %q and %q have different kinds of evidence (%v, %v)", id, seqs[0].ID, s.ID, out.Belief, s.Belief)
		}
		off := len(out.Partners)
		for _, p := range s.Partners {
			out.Partners = append(out.Partners, s.ID+"/"+p)
		}
		for _, t := range s.Trials {
			t.Partner += off
			out.Trials = append(out.Trials, t)
		}
	}
	return out, nil
}
