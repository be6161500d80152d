// Package bounded reads input files and streams with a size cap, so that a
// huge or endless input (a 1 GB file given by mistake, /dev/zero) fails
// with a clear error naming the file and the cap before it is read into
// memory.
package bounded
