package io.github.pgsqlrelation.test.secrets;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Lets a test write a known secret where {@link NoSecretLeaksExtension} would fail it,
 * because proving something about secrets needs one: the test itself checks
 * {@link SecretLeaks#seen()} or its output. Keep it on single methods.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.TYPE })
public @interface LeaksSecretsOnPurpose {

	/**
	 * Why the test must leak a secret.
	 * @return the reason
	 */
	String value();

}
