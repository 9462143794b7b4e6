// Command pause is the pod sandbox process of the e2e nodes' pause image: it holds the pod's namespaces and
// blocks until SIGTERM or SIGINT. As PID 1 of the sandbox it also reaps orphaned children (SIGCHLD), as the
// upstream pause does. Built static (CGO_ENABLED=0) by e2e/image/build.sh.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "-v" {
		fmt.Println("hz-e2e pause 1")
		return
	}
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGCHLD)
	for s := range sigs {
		if s == syscall.SIGCHLD {
			for {
				pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
				if pid <= 0 || err != nil {
					break
				}
			}
			continue
		}
		fmt.Fprintf(os.Stderr, "pause: shutting down, got signal %v\n", s)
		return
	}
}
