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
  are kept (the script says where) unless -Purge is given too.

.PARAMETER Purge
  With -Uninstall: remove your compliance log, programme and settings as well.

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File installers\windows\install.ps1
#>
[CmdletBinding()]
param(
    [string]$Source = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path,
    [string]$Venv = (Join-Path $env:LOCALAPPDATA "deskbreak\venv"),
    [switch]$Uninstall,
    [switch]$Purge
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

function Invoke-Quietly {
    # Runs a native program whose failure is expected and harmless (deskbreak quit when it is
    # not running). Under ErrorActionPreference Stop, Windows PowerShell 5.1 turns a native
    # program's redirected stderr (2>$null) into a terminating error (PowerShell/PowerShell#4002),
    # so stderr goes through the pipeline with Continue in force, and is dropped.
    param([string]$Program, [string[]]$Arguments)
    $ErrorActionPreference = "Continue"
    & $Program @Arguments 2>&1 | Out-Null
    $global:LASTEXITCODE = 0
}

function Find-Python {
    # The newest Python >= 3.10: the py launcher's versions first, then python on PATH (which
    # may be the Microsoft Store stub or an old version, so it is checked too).
    $check = "import sys, venv; sys.exit(sys.version_info < (3, 10))"
    $candidates = @()
    $launcher = Get-Command py -ErrorAction SilentlyContinue
    if ($launcher) {
        foreach ($v in @("3.14", "3.13", "3.12", "3.11", "3.10")) {
            $candidates += ,@($launcher.Source, "-$v")
        }
    }
    $onPath = Get-Command python -ErrorAction SilentlyContinue
    if ($onPath) { $candidates += ,@($onPath.Source) }
    foreach ($candidate in $candidates) {
        $program, $prefix = $candidate[0], @($candidate | Select-Object -Skip 1)
        & { $ErrorActionPreference = "Continue"; & $program @($prefix + @("-c", $check)) 2>&1 | Out-Null }
        if ($LASTEXITCODE -eq 0) { return ,@($candidate) }
    }
    throw "deskbreak needs Python 3.10 or newer: install it from python.org (tick 'Add to PATH')."
}

if ($Uninstall) {
    if (Test-Path $venvPython) {
        Invoke-Quietly $venvPython @("-m", "deskbreak", "quit")
        $how = @("-m", "deskbreak.autostart", "uninstall")
        if ($Purge) { $how += "--purge" }
        Invoke-Checked $venvPython $how
    }
    if (Test-Path $Venv) { Remove-Item -Recurse -Force $Venv }
    Write-Host "deskbreak removed."
    exit 0
}

if (-not (Test-Path $venvPython)) {
    $python = Find-Python
    $program, $prefix = $python[0], @($python | Select-Object -Skip 1)
    Invoke-Checked $program ($prefix + @("-m", "venv", $Venv))
}
Invoke-Checked $venvPython @("-m", "pip", "install", "--quiet", "--upgrade", "pip")
Invoke-Checked $venvPython @("-m", "pip", "install", "--quiet", "--upgrade", $Source)

# Writes the Run value with this environment's pythonw.exe, quoted for paths with spaces.
Invoke-Checked $venvPython @("-m", "deskbreak.autostart", "install")

$scripts = Join-Path $Venv "Scripts"
Write-Host "Done. deskbreak starts at your next login."
Write-Host "Start it now:  & '$scripts\pythonw.exe' -m deskbreak run"
Write-Host "Commands:      & '$scripts\deskbreak.exe' status"
