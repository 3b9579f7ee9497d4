package io.github.pgsqlrelation.autoconfigure;

import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;

/**
 * Matches when a relation state file is named: by {@code pgsql.relation.state-file} or by
 * a {@link PgsqlRelationConnectionDetails} bean.
 */
final class OnRelationStateFileCondition extends AnyNestedCondition {

	OnRelationStateFileCondition() {
		super(ConfigurationPhase.REGISTER_BEAN);
	}

	@ConditionalOnProperty(prefix = "pgsql.relation", name = "state-file")
	static final class StateFileProperty {

	}

	@ConditionalOnBean(PgsqlRelationConnectionDetails.class)
	static final class ConnectionDetailsBean {

	}

}
