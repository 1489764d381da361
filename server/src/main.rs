//! The `server` binary: configuration from the environment, logs, then the app until a signal
//! asks it to stop.

use server::{config::Config, startup::Application, telemetry};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    telemetry::init();
    let result = async {
        let config = Config::from_env()?;
        let app = Application::build(config).await?;
        tracing::info!(address = %app.address(), "listening");
        app.run_until_stopped().await
    }
    .await;
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "server stopped with an error");
            eprintln!("error: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
