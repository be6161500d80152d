// Package sysinfo reads what the machine offers a process: its memory
// (the smaller of the physical memory and a cgroup's limit) and the free
// space of a file system, for defaults and size checks that fit the
// machine. Unknown values are 0.
package sysinfo
