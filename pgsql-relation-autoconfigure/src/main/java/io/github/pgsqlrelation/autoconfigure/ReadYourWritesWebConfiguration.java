package io.github.pgsqlrelation.autoconfigure;

import io.github.pgsqlrelation.autoconfigure.PgsqlRelationProperties.ReadYourWritesScope;
import jakarta.servlet.Filter;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;

/**
 * Read-your-writes scoped to the HTTP request or session: a servlet filter binds the
 * scope's position to the thread that serves a request.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ Filter.class, OncePerRequestFilter.class })
@Conditional(ReadYourWritesWebConfiguration.OnWebScopeCondition.class)
class ReadYourWritesWebConfiguration {

	@Bean
	ReadYourWritesFilter pgsqlRelationReadYourWritesFilter(PgsqlRelationProperties properties) {
		return new ReadYourWritesFilter(properties.getRouting().getReadYourWritesScope());
	}

	/**
	 * Matches when {@code pgsql.relation.routing.read-your-writes} is on with the
	 * {@code request} or {@code session} scope.
	 */
	static final class OnWebScopeCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			ConditionMessage.Builder message = ConditionMessage.forCondition("read-your-writes web scope");
			Binder binder = Binder.get(context.getEnvironment());
			boolean enabled = binder.bind("pgsql.relation.routing.read-your-writes", Boolean.class).orElse(false);
			if (!enabled) {
				return ConditionOutcome.noMatch(message.because("pgsql.relation.routing.read-your-writes is off"));
			}
			ReadYourWritesScope scope = binder
				.bind("pgsql.relation.routing.read-your-writes-scope", ReadYourWritesScope.class)
				.orElse(ReadYourWritesScope.THREAD);
			if (scope == ReadYourWritesScope.THREAD) {
				return ConditionOutcome
					.noMatch(message.because("pgsql.relation.routing.read-your-writes-scope is thread"));
			}
			return ConditionOutcome.match(message.because("read-your-writes is on with the " + scope + " scope"));
		}

	}

}
