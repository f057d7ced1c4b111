// A whole inspection on the device with the network off: every template, findings with
// photos (edited, fixed on the spot, ad hoc), signatures or a recorded refusal, completion,
// the printable record and notice, and the re-inspection of a hazard.
import * as path from 'node:path';
import { test, expect, open, setProfile, createSite, sign, passAll } from './fixtures';

const photo = (name: string) => path.join(__dirname, '../../fixtures/photos', name);

test('a full gas inspection with findings, signatures, documents and a re-inspection', async ({
  page,
  context,
}) => {
  test.setTimeout(180_000);
  await open(page, '/');
  await context.setOffline(true);
  await setProfile(page, '李网格');
  await createSite(page, '老王面馆', 'gas');
  await page.getByTestId('start-gas').click();
  await expect(page).toHaveURL(/\/inspections\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('position')).not.toHaveText('');

  await passAll(page);
  await expect(page.getByTestId('checklist-progress')).toContainText('28 / 28');

  // G03 fails: a photo, and a finding pre-filled from the item that the inspector raises to
  // 重大, which needs a reason.
  const g03 = page.getByTestId('item-G03');
  await g03.getByRole('button', { name: '不符合', exact: true }).click();
  await g03.getByTestId('photo-input-G03').setInputFiles(photo('photo-12mp.jpg'));
  await expect(g03.getByTestId('photo-thumb')).toHaveCount(1, { timeout: 30_000 });
  const finding = g03.getByTestId('finding');
  await expect(finding.getByTestId('finding-description')).not.toHaveValue('');
  await expect(finding.getByTestId('finding-requirement')).not.toHaveValue('');
  // G03 is fixed on the spot by default (an immediate item); this one gets a deadline.
  await finding.getByTestId('finding-by-deadline').click();
  await expect(finding.getByTestId('finding-deadline')).not.toHaveValue('');
  await finding.getByTestId('finding-severity-major').click();
  await expect(page.getByTestId('missing-list')).toContainText('隐患等级与检查表不同');
  await finding.getByTestId('finding-override-reason').fill('软管紧贴灶台明火，随时可能引发泄漏');
  await finding.getByTestId('finding-override-reason').blur();

  // A photo can be opened full screen and deleted while the inspection is a draft.
  await g03.getByTestId('photo-input-G03').setInputFiles(photo('photo-2mp.jpg'));
  await expect(g03.getByTestId('photo-thumb')).toHaveCount(2, { timeout: 30_000 });
  await g03.getByTestId('photo-thumb').nth(1).click();
  await expect(page.getByTestId('photo-viewer').locator('img')).toBeVisible();
  await page.getByTestId('photo-delete').click();
  await expect(g03.getByTestId('photo-thumb')).toHaveCount(1);

  // G05 fails without a photo but with a note, and is fixed on the spot.
  const g05 = page.getByTestId('item-G05');
  await g05.getByRole('button', { name: '不符合', exact: true }).click();
  await g05.getByTestId('note-G05').fill('现场无法拍照：后厨禁止明火区域');
  await g05.getByTestId('note-G05').blur();
  const fixed = g05.getByTestId('finding');
  await fixed.getByTestId('finding-on-spot').click();
  await fixed.getByTestId('finding-measures').fill('当场关闭阀门并更换卡箍');
  await fixed.getByTestId('finding-measures').blur();
  await fixed.getByTestId('finding-after-input').setInputFiles(photo('photo-2mp.jpg'));
  await expect(fixed.getByTestId('photo-thumb')).toHaveCount(1, { timeout: 30_000 });

  // An ad hoc finding, outside the checklist, with its own photo.
  const adHoc = page.getByTestId('ad-hoc-findings');
  await adHoc.getByTestId('ad-hoc-description').fill('后厨通道堆放纸箱');
  await adHoc.getByTestId('ad-hoc-add').click();
  await expect(adHoc.getByTestId('finding')).toHaveCount(1);
  await expect(page.getByTestId('missing-list')).toContainText('隐患需要至少一张照片');
  await adHoc.getByTestId('finding-photo-input').setInputFiles(photo('photo-2mp.jpg'));
  await expect(adHoc.getByTestId('photo-thumb')).toHaveCount(1, { timeout: 30_000 });

  // What is missing is listed until both have signed.
  await expect(page.getByTestId('missing-list')).toContainText('检查人员未签字');
  await expect(page.getByTestId('complete-inspection')).toBeDisabled();
  await page.getByTestId('representative-name').fill('王五');
  await sign(page, 'representative-pad');
  await expect(page.getByTestId('representative-done')).toContainText('王五');
  await sign(page, 'inspector-pad');
  await expect(page.getByTestId('inspector-done')).toContainText('李网格');
  await expect(page.getByTestId('missing-none')).toBeVisible();

  await page.getByTestId('complete-inspection').click();
  const summary = page.getByTestId('inspection-summary');
  await expect(summary).toBeVisible();
  await expect(page.getByTestId('inspection-number')).toHaveText(/^JC-\d{8}-[0-9A-Z]{4}-\d{4,}$/);
  await expect(page.getByTestId('summary-major')).toContainText('1');
  await expect(page.getByTestId('summary-general')).toContainText('2');
  await expect(page.getByTestId('summary-finding')).toHaveCount(3);
  // Completed: nothing can change any more.
  await expect(
    page.getByTestId('item-G01').getByRole('button', { name: '不符合', exact: true }),
  ).toBeDisabled();

  // The printable record and notice.
  await page.getByTestId('print-record').click();
  const record = page.getByTestId('document');
  await expect(record).toContainText('现场检查记录');
  await expect(page.getByTestId('document-site')).toHaveText('老王面馆');
  await expect(page.getByTestId('document-findings').locator('li')).toHaveCount(3);
  await expect(record.locator('img.stored-image')).toHaveCount(2);
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('nav.app-nav')).toBeHidden();
  await expect(page.getByTestId('print')).toBeHidden();
  await page.emulateMedia({ media: 'screen' });
  await page.goBack();
  await page.getByTestId('print-notice').click();
  await expect(page.getByTestId('notice-addressee')).toContainText('老王面馆');
  await expect(page.getByTestId('notice-table').locator('tbody tr')).toHaveCount(2);
  await expect(page.getByTestId('document')).toContainText('后厨通道堆放纸箱');

  // My work: the hazards are on the device; the ad hoc one (general, with a deadline) is
  // re-inspected offline with a photo.
  await page.getByTestId('nav-hazards').click();
  await page.getByTestId('filter-all').click();
  await expect(page.getByTestId('hazard-card')).toHaveCount(3);
  const card = page.getByTestId('hazard-card').filter({ hasText: '后厨通道堆放纸箱' });
  await expect(card.getByTestId('hazard-state')).toHaveText('已交办');
  await card.getByTestId('reinspect').click();
  await card.getByTestId('reinspect-save').click();
  await expect(card.getByRole('alert')).toContainText('请选择复查结论');
  await card.getByTestId('reinspect-pass').click();
  await card.getByTestId('reinspect-photo').setInputFiles(photo('photo-2mp.jpg'));
  await expect(card.getByTestId('reinspect-photo-count')).toContainText('1', { timeout: 30_000 });
  await card.getByTestId('reinspect-save').click();
  await expect(card.getByTestId('hazard-state')).toContainText('复查合格');
  await context.setOffline(false);
});

for (const { area, start, site, failing } of [
  { area: 'factory_warehouse', start: 'start-factory_warehouse', site: '演示仓储公司', failing: 'F02' },
  { area: 'ebike', start: 'start-ebike', site: '演示小区非机动车库', failing: 'E04' },
]) {
  test(`a ${area} inspection completed offline with a refusal to sign`, async ({ page, context }) => {
    test.setTimeout(120_000);
    await open(page, '/');
    await context.setOffline(true);
    await setProfile(page, '张网格');
    await createSite(page, site, area);
    await page.getByTestId(start).click();
    await passAll(page);
    const item = page.getByTestId(`item-${failing}`);
    await item.getByRole('button', { name: '不符合', exact: true }).click();
    await item.getByTestId(`photo-input-${failing}`).setInputFiles(photo('photo-2mp.jpg'));
    await expect(item.getByTestId('photo-thumb')).toHaveCount(1, { timeout: 30_000 });
    await expect(item.getByTestId('finding')).toHaveCount(1);
    await item.getByTestId('finding-by-deadline').click();
    await expect(item.getByTestId('finding-deadline')).not.toHaveValue('');

    await page.getByTestId('representative-name').fill('赵六');
    await page.getByTestId('representative-refuses').click();
    await page.getByTestId('refusal-reason').fill('称需请示公司领导');
    await page.getByTestId('record-refusal').click();
    await expect(page.getByTestId('representative-done')).toContainText('称需请示公司领导');
    await sign(page, 'inspector-pad');
    await expect(page.getByTestId('missing-none')).toBeVisible();
    await page.getByTestId('complete-inspection').click();
    await expect(page.getByTestId('inspection-summary')).toBeVisible();
    await page.getByTestId('print-record').click();
    await expect(page.getByTestId('document')).toContainText('拒绝签字');
    await expect(page.getByTestId('document')).toContainText(site);

    // The site shows its open hazard; the inspections list shows the completed one.
    await page.getByTestId('nav-sites').click();
    await page.getByTestId('site-search').fill(site);
    await page.getByTestId('site-list').getByText(site).click();
    await expect(page.getByTestId('site-open-hazards').locator('li')).toHaveCount(1);
    await context.setOffline(false);
  });
}
