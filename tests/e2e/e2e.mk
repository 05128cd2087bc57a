# End-to-end tests: QEMU + a network namespace with a tap device as the peer.
e2e: deps-test all-boards
	@echo "e2e: no tests yet"
