import type { Locator, Page } from 'playwright-core';

/** One row of a backups table, read the way a clerk reads it. */
export interface BackupRowView {
  name: string;
  time: string;
  size: string;
  persons: string;
  units: string;
  state: string;
  canRestore: boolean;
}

async function readRows(table: Locator): Promise<BackupRowView[]> {
  const rows = table.getByTestId('backup-row');
  const out: BackupRowView[] = [];
  for (const row of await rows.all()) {
    out.push({
      name: (await row.getAttribute('data-name')) ?? '',
      time: (await row.locator('td').first().innerText()).trim(),
      size: (await row.getByTestId('backup-size').innerText()).trim(),
      persons: (await row.getByTestId('backup-persons').innerText()).trim(),
      units: (await row.getByTestId('backup-units').innerText()).trim(),
      state: (await row.getByTestId('backup-state').innerText()).trim(),
      canRestore: await row.getByTestId('backup-restore').isEnabled(),
    });
  }
  return out;
}

/** 数据与备份: the open file, its backups, opening another file. */
export class FilePage {
  constructor(private readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('file-page');
  }

  get notice(): Locator {
    return this.page.getByTestId('file-notice');
  }

  /** The retention line: what the backups may take and what they take */
  get policy(): Locator {
    return this.page.getByTestId('backups-policy');
  }

  get paused(): Locator {
    return this.page.getByTestId('backups-paused');
  }

  get dbPath(): Locator {
    return this.page.getByTestId('file-db-path');
  }

  async backupNow(): Promise<void> {
    const before = await this.page.getByTestId('backup-row').count();
    await this.page.getByTestId('backup-now').click();
    await this.page.waitForFunction((n) => document.querySelectorAll('[data-testid="backup-row"]').length > n, before);
  }

  backups(): Promise<BackupRowView[]> {
    return readRows(this.root.getByTestId('backups-table'));
  }

  /** Restores the backup named `name`, confirming the dialog. */
  async restore(name: string): Promise<void> {
    await this.root.locator(`[data-testid="backup-row"][data-name="${name}"]`).getByTestId('backup-restore').click();
    await this.page.getByTestId('confirm-ok').click();
  }

  /** Opens (or with `create`, makes) the census file at `path` by typing its path. */
  async openPath(path: string, create = false): Promise<void> {
    await this.page.getByTestId('open-path').fill(path);
    await this.page.getByTestId('open-create').setChecked(create);
    await this.page.getByTestId('open-submit').click();
  }

  get openError(): Locator {
    return this.page.getByTestId('open-error');
  }
}

/** The screen shown instead of the app when no census file can be opened. */
export class FileProblemPage {
  constructor(private readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('file-problem');
  }

  async state(): Promise<string | null> {
    await this.root.waitFor();
    return this.root.getAttribute('data-state');
  }

  get title(): Locator {
    return this.page.getByTestId('file-problem-title');
  }

  get message(): Locator {
    return this.page.getByTestId('file-problem-message');
  }

  get offeredTime(): Locator {
    return this.page.getByTestId('offer-time');
  }

  async restoreNewestGood(): Promise<void> {
    await this.page.getByTestId('offer-restore').click();
  }

  async forceOpen(): Promise<void> {
    await this.page.getByTestId('force-open').click();
    await this.page.getByTestId('confirm-ok').click();
  }

  async allBackups(): Promise<BackupRowView[]> {
    const details = this.root.locator('details.all-backups');
    if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
    return readRows(this.root.getByTestId('backups-table'));
  }
}
