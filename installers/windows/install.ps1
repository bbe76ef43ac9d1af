<#
.SYNOPSIS
  Install deskbreak for the current user and start it at every login.

.DESCRIPTION
  Creates a virtual environment in %LOCALAPPDATA%\deskbreak\venv, pip-installs deskbreak into
  it, and adds a value "deskbreak" under HKCU\Software\Microsoft\Windows\CurrentVersion\Run
  that runs that environment's pythonw.exe -m deskbreak run (no console window, no shortcut,
  no administrator rights). Nothing outside your user profile is touched.

.PARAMETER Source
  What pip installs. Default: the source tree this script is in. Use "deskbreak" for the
  published package, or the path of a wheel.

.PARAMETER Uninstall
  Remove the autostart value and the virtual environment. Your compliance log and settings
  are kept.

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File installers\windows\install.ps1
#>
[CmdletBinding()]
param(
    [string]$Source = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path,
    [string]$Venv = (Join-Path $env:LOCALAPPDATA "deskbreak\venv"),
    [switch]$Uninstall
)
$ErrorActionPreference = "Stop"

function Invoke-Checked {
    # Native programs do not throw on failure; stop on a non-zero exit code instead.
    param([string]$Program, [string[]]$Arguments)
    & $Program @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Program $($Arguments -join ' ') failed ($LASTEXITCODE)" }
}

$venvPython = Join-Path $Venv "Scripts\python.exe"

if ($env:DESKBREAK_HOME) {
    Write-Warning "DESKBREAK_HOME is set; deskbreak will keep its data there."
}

if ($Uninstall) {
    if (Test-Path $venvPython) {
        Invoke-Checked $venvPython @("-m", "deskbreak.autostart", "disable")
        & $venvPython -m deskbreak quit 2>$null
    }
    if (Test-Path $Venv) { Remove-Item -Recurse -Force $Venv }
    Write-Host "deskbreak removed. Your compliance log and settings were left in place."
    exit 0
}

if (-not (Test-Path $venvPython)) {
    # The py launcher comes with the python.org installer; fall back to python on PATH.
    $launcher = Get-Command py -ErrorAction SilentlyContinue
    if ($launcher) {
        Invoke-Checked $launcher.Source @("-3", "-m", "venv", $Venv)
    } else {
        $python = Get-Command python -ErrorAction SilentlyContinue
        if (-not $python) { throw "Python 3.10 or newer is needed: install it from python.org." }
        Invoke-Checked $python.Source @("-m", "venv", $Venv)
    }
}
Invoke-Checked $venvPython @("-m", "pip", "install", "--quiet", "--upgrade", "pip")
Invoke-Checked $venvPython @("-m", "pip", "install", "--quiet", "--upgrade", $Source)

# Writes the Run value with this environment's pythonw.exe, quoted for paths with spaces.
Invoke-Checked $venvPython @("-m", "deskbreak.autostart", "enable")

$scripts = Join-Path $Venv "Scripts"
Write-Host "Done. deskbreak starts at your next login."
Write-Host "Start it now:  & '$scripts\pythonw.exe' -m deskbreak run"
Write-Host "Commands:      & '$scripts\deskbreak.exe' status"
