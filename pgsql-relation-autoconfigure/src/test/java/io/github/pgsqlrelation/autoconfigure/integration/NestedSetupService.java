package io.github.pgsqlrelation.autoconfigure.integration;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The inner side of nested transactions, in a bean of its own so that the calls go
 * through Spring's transaction proxy.
 */
@Service
class NestedSetupService {

	private final SetupService setup;

	NestedSetupService(SetupService setup) {
		this.setup = setup;
	}

	@Transactional(propagation = Propagation.REQUIRES_NEW, readOnly = true)
	Backend readInNewTransaction() {
		return this.setup.here();
	}

	@Transactional(propagation = Propagation.REQUIRES_NEW)
	Backend writeInNewTransaction() {
		return this.setup.insertAndTellWhere();
	}

	@Transactional(readOnly = true)
	Backend readJoined() {
		return this.setup.here();
	}

	@Transactional
	Backend writeJoined() {
		return this.setup.insertAndTellWhere();
	}

	@Transactional(propagation = Propagation.NOT_SUPPORTED, readOnly = true)
	Backend readWithoutTransaction() {
		return this.setup.here();
	}

	@Transactional(propagation = Propagation.NOT_SUPPORTED)
	Backend withoutTransaction() {
		return this.setup.here();
	}

}
