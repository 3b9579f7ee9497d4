package io.github.pgsqlrelation.demo;

import io.github.pgsqlrelation.test.PostgresNode;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The page's JSON: what it shows, and the buttons that act as the charm would.
 */
@RestController
@RequestMapping("/api")
final class DemoController {

	private final Dashboard dashboard;

	private final CharmActions charm;

	private final LoadGenerator load;

	DemoController(Dashboard dashboard, CharmActions charm, LoadGenerator load) {
		this.dashboard = dashboard;
		this.charm = charm;
		this.load = load;
	}

	@GetMapping("/state")
	DashboardView state() {
		return this.dashboard.view();
	}

	@PostMapping("/load")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void load(@RequestParam boolean enabled) {
		this.load.setEnabled(enabled);
	}

	@PostMapping("/standbys")
	@ResponseStatus(HttpStatus.ACCEPTED)
	void addStandby() {
		this.charm.addStandby();
	}

	@DeleteMapping("/standbys/{name}")
	@ResponseStatus(HttpStatus.ACCEPTED)
	void removeStandby(@PathVariable String name) {
		this.charm.removeStandby(standby(name));
	}

	@PostMapping("/standbys/{name}/switchover")
	@ResponseStatus(HttpStatus.ACCEPTED)
	void switchover(@PathVariable String name) {
		this.charm.switchover(standby(name));
	}

	@PostMapping("/master/kill")
	@ResponseStatus(HttpStatus.ACCEPTED)
	void killMaster() {
		this.charm.killMaster();
	}

	@PostMapping("/password/rotate")
	@ResponseStatus(HttpStatus.ACCEPTED)
	void rotatePassword() {
		this.charm.rotatePassword();
	}

	@PostMapping("/interface")
	@ResponseStatus(HttpStatus.ACCEPTED)
	void useInterface(@RequestParam String name) {
		RelationInterface relationInterface;
		try {
			relationInterface = RelationInterface.of(name);
		}
		catch (IllegalArgumentException ex) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, ex.getMessage());
		}
		this.charm.useInterface(relationInterface);
	}

	@PostMapping("/tls")
	@ResponseStatus(HttpStatus.ACCEPTED)
	void useTls(@RequestParam boolean enabled) {
		this.charm.useTls(enabled);
	}

	@ExceptionHandler(IllegalStateException.class)
	@ResponseStatus(HttpStatus.CONFLICT)
	String busy(IllegalStateException ex) {
		return ex.getMessage();
	}

	private PostgresNode standby(String name) {
		return this.charm.runningStandby(name)
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No running standby named " + name));
	}

}
