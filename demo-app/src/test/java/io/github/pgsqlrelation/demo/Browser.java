package io.github.pgsqlrelation.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import static org.assertj.core.api.Assertions.fail;

/**
 * Headless Chromium from the machine's packages, driven by the machine's chromedriver:
 * nothing is downloaded.
 */
final class Browser implements AutoCloseable {

	static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private final Path userDataDirectory;

	private final ChromeDriver driver;

	private Browser(Path userDataDirectory, ChromeDriver driver) {
		this.userDataDirectory = userDataDirectory;
		this.driver = driver;
	}

	static Browser start() {
		if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
			fail("The page test needs Chromium and its driver at " + CHROMIUM + " and " + CHROMEDRIVER
					+ "; install them with: apt-get update && apt-get install -y chromium chromium-driver");
		}
		// Keeps Selenium Manager from looking for, or downloading, a driver of its own.
		System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
		System.setProperty("SE_OFFLINE", "true");
		Path userDataDirectory = createTemporaryDirectory();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--window-size=1400,1000", "--user-data-dir=" + userDataDirectory);
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		ChromeDriver driver = new ChromeDriver(service, options);
		driver.manage().window().setSize(new Dimension(1400, 1000));
		return new Browser(userDataDirectory, driver);
	}

	WebDriver driver() {
		return this.driver;
	}

	/** Saves a screenshot of the whole page, not only the window. */
	Path screenshot(Path file) {
		long height = (Long) this.driver.executeScript("return document.documentElement.scrollHeight");
		Dimension window = this.driver.manage().window().getSize();
		this.driver.manage().window().setSize(new Dimension(window.getWidth(), (int) height + 140));
		try {
			Files.createDirectories(file.getParent());
			Files.write(file, ((TakesScreenshot) this.driver).getScreenshotAs(OutputType.BYTES));
			return file;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not save the screenshot " + file, ex);
		}
		finally {
			this.driver.manage().window().setSize(window);
		}
	}

	@Override
	public void close() {
		try {
			this.driver.quit();
		}
		finally {
			deleteQuietly(this.userDataDirectory);
		}
	}

	private static Path createTemporaryDirectory() {
		try {
			return Files.createTempDirectory("demo-chromium-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create Chromium's user data directory", ex);
		}
	}

	private static void deleteQuietly(Path directory) {
		try (var paths = Files.walk(directory)) {
			paths.sorted(java.util.Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			// A temporary directory left behind does no harm.
		}
	}

}
