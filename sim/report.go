package sim

// writeReport writes the plots and index.html. (Filled in once the report
// package is available.)
func writeReport(dir string, s *Sim, rows []Row, man *Manifest) ([]string, error) {
	return nil, nil
}
