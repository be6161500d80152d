// Package srcpos is the one way trustlab's input readers say where a
// problem is: a [Pos] (file, line, column), an [Error] that prints as
//
//	file:line:column: field: message
//
// (parts that are unknown left out), and a [List] of several. Readers of
// every file type (scenarios, sweeps, data specs, edge lists) return
// errors that implement [Positioned], so that callers read the position
// with [As] instead of parsing it back out of the message: the HTTP API
// sends it as JSON fields, sweeps map it back to the file that was written.
package srcpos
