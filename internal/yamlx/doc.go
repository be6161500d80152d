// Package yamlx is the one strict YAML walker of trustlab's input files
// (scenarios, sweeps, data specs, questionnaire keys, experiment
// designs). [Parse] reads one document (a byte order mark dropped, a
// syntax error at its line, a second document refused), [ParseMapping]
// one that must be a mapping of keys; a [Walker] then checks it node by
// node: mappings with known keys ("unknown key; allowed keys here:
// ..."), duplicate keys, typed scalars with their ranges, anchors and
// aliases followed, keys refused wherever they appear ([Walker.Refuse]).
// Every problem is a [srcpos.Error] with file, line, column and key path;
// a walk collects them in a [srcpos.List] of at most [srcpos.MaxErrors].
// [Positions] ([Index]) keep where every key was written, for the checks
// a reader makes on the values it decoded.
package yamlx
