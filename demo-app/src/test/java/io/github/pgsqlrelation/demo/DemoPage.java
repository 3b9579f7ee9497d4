package io.github.pgsqlrelation.demo;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The demo page as a person sees it. Reads what is on the screen in one go, since the
 * page redraws itself twice a second.
 */
final class DemoPage {

	private final WebDriver driver;

	DemoPage(WebDriver driver) {
		this.driver = driver;
	}

	DemoPage open(int port) {
		this.driver.get("http://127.0.0.1:" + port + "/");
		return this;
	}

	String title() {
		return this.driver.getTitle();
	}

	String status() {
		return text("status");
	}

	String master() {
		return text("relation-master");
	}

	String readiness() {
		return text("readiness");
	}

	List<String> standbys() {
		return strings(
				"return [...document.querySelectorAll('#relation-standbys li[data-node]')].map((e) => e.dataset.node)");
	}

	/** The nodes that served the recent reads, newest first. */
	List<String> recentReads() {
		return strings("return [...document.querySelectorAll('#recent-reads .chip')].map((e) => e.textContent)");
	}

	/** The node that served the last write, and whether it was in recovery. */
	Served lastWrite() {
		return served("last-write");
	}

	Served lastRead() {
		return served("last-read");
	}

	long writes() {
		return number("writes");
	}

	long writeErrors() {
		return number("write-errors");
	}

	long readErrors() {
		return number("read-errors");
	}

	long writeRetries() {
		return number("write-retries");
	}

	long readRetries() {
		return number("read-retries");
	}

	String lastFailure() {
		return text("last-failure");
	}

	/**
	 * The pools' roles and servers as the pools table lists them, e.g.
	 * {@code master postgresql-0}.
	 */
	List<String> pools() {
		return strings("return [...document.querySelectorAll('#pools tbody tr')].map((e) => e.dataset.role + ' '"
				+ " + e.dataset.node + (e.classList.contains('retiring') ? ' retiring' : ''))");
	}

	List<String> charmLog() {
		return strings("return [...document.querySelectorAll('#charm-log li')].map((e) => e.textContent)");
	}

	List<String> events() {
		return strings("return [...document.querySelectorAll('#events li')].map((e) => e.textContent)");
	}

	/**
	 * How the demo's charm publishes the relation, e.g.
	 * {@code postgresql_client on database}.
	 */
	String published() {
		return text("published-interface") + " on " + text("published-endpoint");
	}

	boolean publishedTls() {
		return "true".equals(string("return document.getElementById('published-tls').dataset.tls"));
	}

	long passwordRotations() {
		return number("password-rotations");
	}

	/**
	 * The {@code sslmode} of the master connection the application uses, "" when none.
	 */
	String sslmode() {
		return string("return document.getElementById('relation-tls').dataset.sslmode");
	}

	boolean charmBusy() {
		return status().startsWith("Charm at work");
	}

	void useInterface(String name) {
		click(By.id("interface-" + name));
	}

	void rotatePassword() {
		click(By.id("rotate-password"));
	}

	void toggleTls() {
		click(By.id("tls-toggle"));
	}

	boolean tlsToggleEnabled() {
		return this.driver.findElement(By.id("tls-toggle")).isEnabled();
	}

	void switchOverTo(String node) {
		click(By.cssSelector("button.switchover[data-node='" + node + "']"));
	}

	void killMaster() {
		click(By.id("kill-master"));
	}

	void addStandby() {
		click(By.id("add-standby"));
	}

	void remove(String node) {
		click(By.cssSelector("button.remove[data-node='" + node + "']"));
	}

	/** The servers the page lists, by name. */
	List<String> servers() {
		return strings("return [...document.querySelectorAll('#nodes tbody tr')].map((e) => e.dataset.node)");
	}

	/**
	 * Waits until the page shows what the condition looks for, failing with the message
	 * and what it showed.
	 */
	<T> T await(Duration timeout, String expectation, Function<DemoPage, T> condition) {
		try {
			return new WebDriverWait(this.driver, timeout, Duration.ofMillis(100))
				.ignoring(StaleElementReferenceException.class)
				.until((driver) -> {
					T value = condition.apply(this);
					return (value instanceof Boolean bool && !bool) ? null : value;
				});
		}
		catch (org.openqa.selenium.TimeoutException ex) {
			throw new AssertionError("The page did not show " + expectation + " within " + timeout.toSeconds()
					+ " s; it showed: " + describe(), ex);
		}
	}

	/** What a person would read on the page, in short. */
	String describe() {
		return "status '" + status() + "', master '" + master() + "', standbys " + standbys() + ", last write "
				+ lastWrite() + ", last read " + lastRead() + ", recent reads " + recentReads() + ", pools " + pools()
				+ ", errors " + writeErrors() + "/" + readErrors() + " (" + lastFailure() + "), charm " + charmLog();
	}

	private void click(By button) {
		new WebDriverWait(this.driver, Duration.ofSeconds(10)).ignoring(StaleElementReferenceException.class)
			.withMessage(() -> "no enabled " + button + " on the page: " + describe())
			.until((driver) -> {
				var element = driver.findElement(button);
				if (!element.isEnabled()) {
					return false;
				}
				element.click();
				return true;
			});
	}

	private Served served(String id) {
		String node = string("return document.getElementById('" + id + "').dataset.node");
		String recovery = string("return document.getElementById('" + id + "').dataset.recovery");
		return new Served(node, "true".equals(recovery));
	}

	private String text(String id) {
		return string("return document.getElementById('" + id + "').textContent.trim()");
	}

	private long number(String id) {
		String text = text(id);
		return text.isEmpty() ? 0 : Long.parseLong(text);
	}

	private String string(String script) {
		Object value = ((JavascriptExecutor) this.driver).executeScript(script);
		return (value != null) ? value.toString() : "";
	}

	@SuppressWarnings("unchecked")
	private List<String> strings(String script) {
		return ((List<Object>) ((JavascriptExecutor) this.driver).executeScript(script)).stream()
			.map(String::valueOf)
			.toList();
	}

	/**
	 * Who served a transaction, as the page shows it.
	 *
	 * @param node the node's name
	 * @param inRecovery whether it was a standby then
	 */
	record Served(String node, boolean inRecovery) {

		@Override
		public String toString() {
			return this.node + (this.inRecovery ? " (standby)" : " (primary)");
		}

	}

}
