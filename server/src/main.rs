//! The `server` binary: runs the app (configuration from the environment), or manages accounts
//! (`server user …`, see `cli`).

use server::cli::{self, Command};
use server::{config::Config, db::Db, startup::Application, telemetry};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    telemetry::init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match cli::parse(&args) {
        Ok(command) => command,
        Err(error) => {
            eprintln!("{error}");
            return std::process::ExitCode::from(2);
        }
    };
    if let Command::Cert { hosts, dir } = &command {
        return match cli::make_certificate(hosts, dir) {
            Ok(output) => {
                println!("{output}");
                std::process::ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("error: {error}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    let result: Result<(), String> = async {
        let config = Config::from_env().map_err(|e| e.to_string())?;
        if let Command::Restore { path } = &command {
            // Before anything opens the database it replaces.
            let written = server::backup::restore(&config.database_url, path).await.map_err(|e| e.to_string())?;
            println!("{}", cli::written_text("restored", &written));
            return Ok(());
        }
        if command == Command::Serve {
            let app = Application::build(config).await.map_err(|e| e.to_string())?;
            tracing::info!(address = %app.address(), "listening");
            if let Some(path) = app.setup_path() {
                // Printed, not only logged: the first thing a newcomer reads after the run command.
                println!(
                    "No administrator yet. Open {}://{}{path} in a browser to create the first one (the link works until then).",
                    app.scheme(),
                    app.address()
                );
            }
            return app.run_until_stopped().await.map_err(|e| e.to_string());
        }
        let db = Db::connect(&config.database_url).await.map_err(|e| e.to_string())?;
        let output = cli::run_user_command(&db, command, &mut std::io::stdin().lock()).await.map_err(|e| e.to_string())?;
        println!("{output}");
        Ok(())
    }
    .await;
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "stopped with an error");
            eprintln!("error: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
